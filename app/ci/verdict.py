"""The CI verdict: which checks count, and whether they passed, failed or are still running."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict

from app.ci.checks import CiCheck, CiSnapshot
from app.config.ci import CiConfig

Outcome = Literal["pending", "passed", "failed", "no_ci", "timed_out", "too_many"]


class CiVerdict(BaseModel):
    """What CI says about a head commit, from the checks that count."""

    model_config = ConfigDict(frozen=True)

    outcome: Outcome
    sha: str
    checks: tuple[CiCheck, ...] = ()
    flaky: tuple[str, ...] = ()
    """Checks that failed on this commit and then passed when re-run on the same commit."""

    @property
    def failing(self) -> tuple[CiCheck, ...]:
        return tuple(c for c in self.checks if c.state == "failure")

    @property
    def pending(self) -> tuple[CiCheck, ...]:
        return tuple(c for c in self.checks if c.state == "pending")

    @property
    def done(self) -> bool:
        return self.outcome != "pending"


def counted(
    snapshot: CiSnapshot,
    config: CiConfig,
    own_app_id: int,
    required: frozenset[str] | None = None,
    pinned: Mapping[str, int] | None = None,
) -> tuple[CiCheck, ...]:
    """The checks that count: never autofix's own, never ignored, required only when asked.

    `required` is None when branch protection could not be read: then every check counts.
    `pinned` names required checks protection wants from one app: a check run of that name
    from any other app does not count (as on GitHub).
    """
    ignored = {name.strip().casefold() for name in config.ignore}
    found: dict[tuple[str, int | None, str], CiCheck] = {}
    for check in snapshot.checks:
        if check.app_id == own_app_id:
            continue
        if check.name.strip().casefold() in ignored:
            continue
        if config.required_only and required is not None and check.name not in required:
            continue
        pin = (pinned or {}).get(check.name) if config.required_only else None
        if pin is not None and check.kind == "check_run" and check.app_id != pin:
            continue
        # A re-run adds a newer check run of the same name from the same app: the newest is
        # the answer. Another app's run of that name is a check of its own, never a re-run.
        key = (check.kind, check.app_id, check.name)
        old = found.get(key)
        if old is None or (check.check_run_id or 0) >= (old.check_run_id or 0):
            found[key] = check
    return tuple(found.values())


def judge(
    snapshot: CiSnapshot,
    config: CiConfig,
    own_app_id: int,
    waited_s: float,
    required: frozenset[str] | None = None,
    *,
    spent_s: float = 0.0,
    pinned: Mapping[str, int] | None = None,
) -> CiVerdict:
    """The verdict after `waited_s` seconds of waiting for the checks on `snapshot.sha`.

    `spent_s` is what waiting on earlier heads of the same run took from the CI budget
    (`ci.timeout_s`): the budget runs out on the sum.
    """
    checks = counted(snapshot, config, own_app_id, required, pinned)
    if config.required_only and required:
        # A required check that has not reported is expected, as GitHub shows it: waited for.
        present = {c.name for c in checks}
        ignored = {name.strip().casefold() for name in config.ignore}
        expected = (
            CiCheck(kind="status", name=name, state="pending")
            for name in sorted(required - present)
            if name.strip().casefold() not in ignored
        )
        checks = (*checks, *expected)
    failed_before = {
        (c.app_id, c.name)
        for c in snapshot.checks
        if c.kind == "check_run" and c.state == "failure"
    }
    flaky = tuple(
        sorted(
            c.name for c in checks if c.state == "success" and (c.app_id, c.name) in failed_before
        )
    )
    if not checks and snapshot.suites_pending == 0:
        outcome: Outcome = "no_ci" if waited_s >= config.appear_s else "pending"
    elif snapshot.suites_pending or any(c.state == "pending" for c in checks):
        outcome = "pending"
        if waited_s + spent_s >= config.timeout_s:
            # What failed so far is known; what never finished is the timeout's.
            failed = any(c.state == "failure" for c in checks)
            outcome = "failed" if failed else "timed_out"
    elif any(c.state == "failure" for c in checks):
        outcome = "failed"
    else:
        outcome = "passed"
    if snapshot.unread and outcome in ("passed", "no_ci"):
        # What was not read may hold the failure: too many checks is never a pass.
        outcome = "too_many"
    return CiVerdict(outcome=outcome, sha=snapshot.sha, checks=checks, flaky=flaky)
