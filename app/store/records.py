"""Typed values going into and coming out of the run store; ORM rows never leave it."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from scaling.rollout import Usage
from scaling.summary import RolloutSummary

RunStatus = Literal[
    "queued", "running", "resolved", "unresolved", "failed", "cancelled", "superseded"
]
Trigger = Literal["label", "comment", "review", "retry", "refine"]
CostKind = Literal["llm", "judge", "summary"]
Purpose = Literal["select", "refine"]

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
    trigger: Trigger
    delivery_id: str = Field(description="X-GitHub-Delivery of the triggering event.")
    sender: str | None = None
    parent_run_id: int | None = Field(default=None, description="Run a retry/refine builds on.")
    feedback: str | None = Field(default=None, description="Maintainer text for `refine`.")
    config: dict[str, Any] | None = None


class PullRequestLink(_Frozen):
    """The PR a run opened or updated, and which candidate is on it."""

    number: int
    url: str
    branch: str
    head_sha: str
    rollout_id: str | None = None


class Run(_Frozen):
    """One attempt at an issue, as stored."""

    id: int
    repo: str
    installation_id: int
    issue_number: int
    trigger: Trigger
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


class GateRecord(_Frozen):
    """A candidate's test gate verdict."""

    rollout_id: str
    passed: bool
    reasons: tuple[str, ...] = ()
    tamper: tuple[str, ...] = Field(default=(), description="Anti-tamper flags; any blocks a win.")
    reproduced: bool | None = None
    holdout: bool | None = Field(default=None, description="Set only for selected winners.")


class VoteRecord(_Frozen):
    """One judge call in a tournament match."""

    round: int
    purpose: Purpose = "select"
    stage: int
    match: int = Field(description="Position of the match within its stage.")
    index: int = Field(description="Position of the vote within its match.")
    candidates: tuple[str, ...] = Field(description="Candidate ids in the order the judge saw.")
    choice: str | None = Field(description="The candidate id picked; None when unusable.")
    valid: bool = True
    reason: str = ""
    usage: Usage = Field(default_factory=Usage)


class MatchRecord(_Frozen):
    """The outcome of one tournament match."""

    round: int
    purpose: Purpose = "select"
    stage: int
    match: int
    candidates: tuple[str, ...]
    winner: str
    tally: dict[str, int] = Field(default_factory=dict, description="Valid votes per candidate.")
    invalid_votes: int = 0
    tie_broken_by: str | None = None
    early_stopped: bool = False


class Candidate(_Frozen):
    """A rollout of a run with everything `/autofix candidates` and `pick` need."""

    position: int = Field(description="1-based, stable: the `n` of `/autofix pick n`.")
    rollout_id: str
    candidate_id: str | None = Field(
        default=None, description="The distinct patch this rollout collapsed into, once known."
    )
    round: int
    index: int
    exit_status: str
    steps: int
    cost_usd: float
    patch_sha256: str
    has_patch: bool = Field(description="The patch text is stored (see `Store.get_patch`).")
    trajectory_path: str | None
    summary: RolloutSummary | None
    summary_markdown: str | None
    gate: GateRecord | None
