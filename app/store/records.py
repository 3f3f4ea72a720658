"""Typed values going into and coming out of the run store; ORM rows never leave it.

What the engine decided is not redeclared here: it is `scaling.result.RunResult`, stored whole.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

RunStatus = Literal[
    "queued", "running", "resolved", "unresolved", "failed", "cancelled", "superseded"
]
RunTrigger = Literal["label", "comment", "review", "retry", "refine"]

ACTIVE: frozenset[RunStatus] = frozenset({"queued", "running"})
# The lifecycle: finished runs never change again; a new run is started instead.
TRANSITIONS: dict[RunStatus, frozenset[RunStatus]] = {
    "queued": frozenset({"running", "failed", "cancelled", "superseded"}),
    "running": frozenset({"resolved", "unresolved", "failed", "cancelled", "superseded"}),
    "resolved": frozenset(),
    "unresolved": frozenset(),
    "failed": frozenset(),
    "cancelled": frozenset(),
    "superseded": frozenset(),
}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class NewRun(_Frozen):
    """What the webhook knows when it asks for a run."""

    repo: str = Field(description="Repository full name, `owner/name`.")
    installation_id: int
    issue_number: int
    trigger: RunTrigger
    delivery_id: str = Field(description="X-GitHub-Delivery of the triggering event.")
    sender: str | None = None
    parent_run_id: int | None = Field(default=None, description="Run a retry/refine builds on.")
    feedback: str | None = Field(default=None, description="Maintainer text for `refine`.")
    config: dict[str, Any] | None = None


class Run(_Frozen):
    """One attempt at an issue, as stored."""

    id: int
    repo: str
    installation_id: int
    issue_number: int
    trigger: RunTrigger
    status: RunStatus
    delivery_id: str
    sender: str | None
    parent_run_id: int | None
    feedback: str | None
    status_comment_id: int | None
    pr_number: int | None
    pr_url: str | None
    branch: str | None
    head_sha: str | None
    winner_rollout_id: str | None
    config: dict[str, Any] | None
    cost_usd: float
    input_tokens: int
    output_tokens: int
    error: str | None
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @property
    def active(self) -> bool:
        return self.status in ACTIVE


class RunCreation(_Frozen):
    """What `create_run` did: made a run, found this delivery's run, or found the issue busy."""

    outcome: Literal["created", "duplicate", "busy"]
    run: Run = Field(description="The new run, the earlier one, or the issue's active run.")
    superseded: Run | None = None
