"""The run page's CI panel: what the repository's own CI said about the run's pull request."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from app.ci.follow import CiFollow
from app.config.ci import CiConfig
from app.status.ci_report import link
from app.store.records import Run

VERDICTS = {
    "passed": "passed",
    "failed": "failed",
    "pending": "pending",
    "no_ci": "no CI",
    "timed_out": "timed out",
}


class _View(BaseModel):
    model_config = ConfigDict(frozen=True)


class CheckLine(_View):
    """One counted check: its name, what it concluded, and a link only when it is http(s)."""

    name: str
    kind: str
    state: str
    result: str
    url: str | None


class CiPanel(_View):
    """The CI of the run's pull request as autofix last showed it, or where it went."""

    mode: str
    pr: int
    head_sha: str
    rollout_id: str | None
    outcome: str | None
    """`passed`, `failed`, `pending`, `no_ci` or `timed_out`; None while waiting for checks."""
    verdict: str
    """The outcome in words (`no CI`, `timed out`, ...), or `waiting for checks`."""
    checks: tuple[CheckLine, ...]
    flaky: tuple[str, ...]
    tries: tuple[str, ...]
    """Gate mode: earlier heads of this run and what CI said about them."""
    notes: tuple[str, ...]
    """What autofix did about CI, in order."""
    spent_s: float
    timeout_s: int
    stopped: bool

    @property
    def spent(self) -> str:
        return duration(self.spent_s)

    @property
    def timeout(self) -> str:
        return duration(self.timeout_s)


def duration(seconds: float) -> str:
    """`45 s`, `4 min`, `1 h 2 min`: how long, to the second under a minute."""
    whole = int(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes, rest = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def ci_config(config: Mapping[str, Any] | None) -> CiConfig:
    """The run's `ci:` settings; defaults when the stored config has none or cannot be read."""
    section = (config or {}).get("ci")
    try:
        return CiConfig.model_validate(section if isinstance(section, Mapping) else {})
    except ValidationError:
        return CiConfig()


def ci_panel(run: Run, record: CiFollow, now: float) -> CiPanel:
    """The panel of `record`, the CI record of `run`'s pull request (and of `run` itself)."""
    config = ci_config(run.config)
    # As the status comment counts it: a head still waiting for its first verdict is spending.
    spent = min(record.spent_at(now), float(config.timeout_s))
    last = record.last if record.last is not None and record.last.sha == record.head_sha else None
    checks: tuple[CheckLine, ...] = ()
    if last is not None:
        ordered = sorted(last.checks, key=lambda c: (c.state != "failure", c.name))
        checks = tuple(
            CheckLine(
                name=c.name,
                kind=c.kind,
                state=c.state,
                result=(c.conclusion or c.state).replace("_", " "),
                url=link(c.url),
            )
            for c in ordered
        )
    return CiPanel(
        mode=config.mode,
        pr=record.pr,
        head_sha=record.head_sha,
        rollout_id=record.rollout_id,
        outcome=last.outcome if last is not None else None,
        verdict=VERDICTS[last.outcome] if last is not None else "waiting for checks",
        checks=checks,
        flaky=last.flaky if last is not None else (),
        tries=record.tries,
        notes=record.notes,
        spent_s=spent,
        timeout_s=config.timeout_s,
        stopped=record.stopped,
    )


class RunCi(_View):
    """What the run page says about CI: the run's own panel, or the later run that now follows
    CI on the same pull request (a fix attempt), or that the record could not be read."""

    panel: CiPanel | None = None
    later_run: int | None = None
    unreadable: bool = False


def run_ci(run: Run, record: CiFollow | None, now: float) -> RunCi | None:
    """Only the run that pushed the pull request's current head shows its CI record."""
    if record is None:
        return None
    if record.run_id == run.id:
        return RunCi(panel=ci_panel(run, record, now))
    return RunCi(later_run=record.run_id) if record.run_id > run.id else None
