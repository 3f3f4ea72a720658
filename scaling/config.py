"""The engine's knobs: strategy, sizes, budgets and the estimates budgets are checked with."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Budget(BaseModel):
    """Limits for a whole run; None means unlimited. Checked before anything starts."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    usd: float | None = Field(default=10.0, ge=0, description="Total LLM spend in US dollars.")
    tokens: int | None = Field(default=None, ge=0, description="Total input + output tokens.")
    wall_s: float | None = Field(
        default=3600.0, gt=0, description="Wall-clock seconds from the start of the run."
    )


class Estimate(BaseModel):
    """What one unit of work is assumed to cost before it runs (upper bound, to fail closed)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    usd: float = Field(default=0.0, ge=0, description="Expected spend in US dollars.")
    tokens: int = Field(default=0, ge=0, description="Expected input + output tokens.")
    wall_s: float = Field(default=0.0, ge=0, description="Expected wall-clock seconds.")


class Estimates(BaseModel):
    """Per-unit estimates used to refuse work the remaining budget cannot cover."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rollout: Estimate = Field(
        default=Estimate(usd=1.0, tokens=400_000, wall_s=900.0),
        description="One rollout; its usd is also passed as the rollout's own cost cap.",
    )
    summary: Estimate = Field(
        default=Estimate(usd=0.05, tokens=20_000, wall_s=60.0), description="One summary call."
    )
    vote: Estimate = Field(
        default=Estimate(usd=0.03, tokens=10_000, wall_s=60.0), description="One judge vote."
    )
    tests: Estimate = Field(
        default=Estimate(wall_s=120.0), description="One run of the test command (no LLM)."
    )


class EngineConfig(BaseModel):
    """How a run spends its compute."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    strategy: Literal["rtv", "single", "best-of-n"] = Field(
        default="rtv",
        description="rtv: gates + tournament + holdout + refinement; single: one rollout; "
        "best-of-n: first gate-passer by index that passes the holdout, no judge.",
    )
    rollouts: int = Field(default=4, ge=1, description="N, rollouts per round.")
    rounds: int = Field(default=2, ge=1, description="Generations; 1 means no refinement.")
    refine_with: int = Field(
        default=2, ge=1, description="K, summaries the next round is conditioned on."
    )
    votes: int = Field(default=8, ge=1, description="V, judge votes per tournament match.")
    group_size: int = Field(default=2, ge=2, description="G, candidates per match.")
    early_stop_risk: float = Field(
        default=0.04,
        ge=0.0,
        lt=0.5,
        description="A match stops once more votes are not worth their cost: each vote costs "
        "risk/V, so a match gives up at most about this much chance of keeping the better "
        "candidate compared with casting all V votes (0: stop only once the majority is "
        "certain). First-stage matches, whose mistakes later matches often undo, may spend 1.5 "
        "times this; the final never more than this.",
    )
    baseline_runs: int = Field(
        default=2, ge=1, description="Unpatched test runs; mixed outcomes mark a test flaky."
    )
    cross_finalists: int = Field(
        default=3,
        ge=0,
        description="Finalists (the first of a round's selection order) whose patches each run "
        "the others' new tests, as evidence only; 0 turns it off.",
    )
    approach_hints: bool = Field(
        default=False, description="Give each rollout in a round a distinct hint from `hints`."
    )
    hints: tuple[str, ...] = Field(
        default=(), description="Approach hints, handed out round-robin when enabled."
    )
    budget: Budget = Field(default_factory=Budget, description="Limits for the whole run.")
    estimates: Estimates = Field(
        default_factory=Estimates, description="Assumed costs used to fail closed."
    )
    seed: int = Field(default=0, description="Seeds the per-vote shuffling of candidates.")

    @model_validator(mode="after")
    def _hints_present(self) -> EngineConfig:
        if self.approach_hints and not self.hints:
            raise ValueError("approach_hints is on but hints is empty: add hints or turn it off")
        return self
