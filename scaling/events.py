"""Progress events the engine (and rollout runners) emit; one discriminated union."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from scaling.rollout import ExitStatus

RunStatus = Literal["resolved", "unresolved", "error"]
CrossStatus = Literal["passed", "failed", "not_applicable", "error"]


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True)


class RoundStarted(_Event):
    """A generation of rollouts begins; round > 0 is conditioned on earlier summaries."""

    kind: Literal["round_started"] = "round_started"
    round: int
    rollouts: int
    conditioned_on: list[str] = []


class RolloutStarted(_Event):
    """A rollout's sandbox is starting."""

    kind: Literal["rollout_started"] = "rollout_started"
    rollout_id: str
    round: int


class RolloutStep(_Event):
    """The agent ran one command (emitted by the rollout runner)."""

    kind: Literal["rollout_step"] = "rollout_step"
    rollout_id: str
    step: int
    command: str = Field(description="An excerpt of the command, not the whole of it.")


class RolloutFinished(_Event):
    """A rollout ended, successfully or not."""

    kind: Literal["rollout_finished"] = "rollout_finished"
    rollout_id: str
    exit_status: ExitStatus
    steps: int
    cost_usd: float


class SummaryReady(_Event):
    """A rollout's structured summary exists."""

    kind: Literal["summary_ready"] = "summary_ready"
    rollout_id: str
    fallback: bool
    approach: str = ""
    compression_ratio: float = 0.0


class BaselineDone(_Event):
    """The unpatched repository's tests ran `runs` times."""

    kind: Literal["baseline_done"] = "baseline_done"
    runs: int
    parsed: bool
    passing: int
    flaky: list[str] = []
    preexisting: list[str] = []


class GateDecided(_Event):
    """A candidate's tests ran against the baseline."""

    kind: Literal["gate_decided"] = "gate_decided"
    rollout_id: str
    passed: bool
    reasons: list[str] = []
    tamper: list[str] = []
    reproduced: bool | None = None

    @property
    def verdict(self) -> Literal["passed", "flagged", "failed"]:
        """Tampering is reported as `flagged` even when the tests happened to pass."""
        if self.passed:
            return "passed"
        return "flagged" if self.tamper else "failed"


class MatchDecided(_Event):
    """One tournament match; `votes` maps candidate id to the valid votes it received."""

    kind: Literal["match_decided"] = "match_decided"
    round: int
    purpose: Literal["select", "refine"]
    stage: int
    candidates: list[str]
    winner: str
    votes: dict[str, int]
    invalid_votes: int = 0
    tie_broken_by: str | None = None
    early_stopped: bool = False


class HoldoutDecided(_Event):
    """A selected candidate ran against the holdout tests."""

    kind: Literal["holdout_decided"] = "holdout_decided"
    rollout_id: str
    passed: bool


class CrossChecked(_Event):
    """A finalist's patch ran against another finalist's new tests (evidence, not a gate)."""

    kind: Literal["cross_checked"] = "cross_checked"
    rollout_id: str = Field(description="The candidate whose patch was under test.")
    tests_from: str = Field(description="The candidate whose new tests ran.")
    status: CrossStatus
    failures: list[str] = []


class BudgetSkipped(_Event):
    """Something did not start because the remaining budget could not cover its estimate."""

    kind: Literal["budget_skipped"] = "budget_skipped"
    what: str
    why: str


class RunFinished(_Event):
    """The run is over."""

    kind: Literal["run_finished"] = "run_finished"
    status: RunStatus
    winner: str | None = None


Event = Annotated[
    RoundStarted
    | RolloutStarted
    | RolloutStep
    | RolloutFinished
    | SummaryReady
    | BaselineDone
    | GateDecided
    | MatchDecided
    | HoldoutDecided
    | CrossChecked
    | BudgetSkipped
    | RunFinished,
    Field(discriminator="kind"),
]

# Parses an event back from JSON (dashboards, run store).
EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)
