"""What one agent rollout asks for and what it leaves behind."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from scaling.summary import RolloutSummary

ExitStatus = Literal["submitted", "step_limit", "cost_limit", "time_limit", "format_error", "error"]


class Usage(BaseModel):
    """Token and money spent by one or more LLM calls."""

    model_config = ConfigDict(frozen=True)

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    cost_usd: float = 0.0
    calls: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            cache_read_tokens=self.cache_read_tokens + other.cache_read_tokens,
            cache_write_tokens=self.cache_write_tokens + other.cache_write_tokens,
            cost_usd=self.cost_usd + other.cost_usd,
            calls=self.calls + other.calls,
        )


class RolloutRequest(BaseModel):
    """One rollout to run: which round, which slot, and what it is conditioned on."""

    model_config = ConfigDict(frozen=True)

    rollout_id: str
    round: int
    index: int
    prior_summaries: tuple[RolloutSummary, ...] = ()
    approach_hint: str | None = None
    feedback: str | None = None
    max_cost_usd: float | None = None


class Rollout(BaseModel):
    """The outcome of one agent working in one sandbox."""

    model_config = ConfigDict(frozen=True)

    rollout_id: str
    round: int
    index: int
    exit_status: ExitStatus
    patch: str
    steps: int
    usage: Usage = Field(default_factory=Usage)
    wall_s: float = 0.0
    trajectory_path: str | None = None
    error: str | None = None
