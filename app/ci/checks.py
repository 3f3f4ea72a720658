"""What autofix reads about one commit's CI: check runs, suites and commit statuses."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

CheckState = Literal["pending", "success", "failure", "neutral", "skipped"]
CheckKind = Literal["check_run", "status"]


class CiCheck(BaseModel):
    """One check on a commit, a check run or a commit status, in one vocabulary."""

    model_config = ConfigDict(frozen=True)

    kind: CheckKind
    name: str
    state: CheckState
    conclusion: str | None = None
    """GitHub's own word (`failure`, `timed_out`, `cancelled`, `error`, ...), when complete."""
    url: str | None = None
    app_id: int | None = None
    """The app that made a check run; None for commit statuses."""
    check_run_id: int | None = None
    actions_job: bool = False
    """A GitHub Actions job: its log can be read by the check run's id."""
    output: str = ""
    """What the check said (its output's title, summary and text), bounded; untrusted."""


class CiSnapshot(BaseModel):
    """Everything CI said about one commit at one moment."""

    model_config = ConfigDict(frozen=True)

    sha: str
    checks: tuple[CiCheck, ...] = ()
    suites_pending: int = 0
    """Check suites of other apps that are queued or running but have no check run yet."""
    unread: int = 0
    """Check runs, suites and statuses GitHub lists beyond what autofix reads: any of them
    could be a failure, so a commit with some never passes."""


def run_state(status: str | None, conclusion: str | None) -> CheckState:
    """A check run's state from its `status` and `conclusion`."""
    if status != "completed":
        return "pending"
    if conclusion == "success":
        return "success"
    if conclusion == "neutral":
        return "neutral"
    if conclusion == "skipped":
        return "skipped"
    # timed_out, cancelled, action_required, stale and anything unknown: a check that did not
    # say it passed did not pass.
    return "failure"


def status_state(state: str | None) -> CheckState:
    """A commit status's state: `pending`, `success`, or a failure (`failure`, `error`)."""
    if state == "success":
        return "success"
    if state == "pending":
        return "pending"
    return "failure"
