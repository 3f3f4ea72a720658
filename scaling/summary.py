"""The structured summary of a rollout: the unit the tournament, refinement and PR consume."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Hypothesis(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    hypothesis: str = Field(description="What the agent suspected or tried.")
    outcome: Literal["confirmed", "rejected", "inconclusive"] = Field(
        description="What came of it."
    )
    detail: str = Field(default="", description="Evidence for the outcome, briefly.")


class Location(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str = Field(description="File path relative to the repository root.")
    symbol: str = Field(default="", description="Function, class or section, if any.")
    why: str = Field(default="", description="Why this place matters to the issue.")


class Change(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str
    what: str = Field(description="What changed in this file.")
    why: str = Field(description="Why the change fixes or supports the fix.")


class Evidence(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    command: str = Field(description="Command or test that was run.")
    result: str = Field(description="What it showed (pass/fail counts, key output).")
    passed: bool | None = Field(default=None, description="True if it succeeded.")


class PatchStats(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    files_changed: int = 0
    insertions: int = 0
    deletions: int = 0
    test_files_changed: int = 0


class RolloutSummary(BaseModel):
    """A bounded, structured account of one rollout."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rollout_id: str = ""
    approach: str = Field(description="The overall approach, in two or three sentences.")
    hypotheses: tuple[Hypothesis, ...] = ()
    locations: tuple[Location, ...] = ()
    changes: tuple[Change, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    failure_modes: tuple[str, ...] = Field(
        default=(), description="Dead ends and what went wrong along the way."
    )
    risks: tuple[str, ...] = Field(default=(), description="Open risks of the final patch.")
    confidence: float = Field(default=0.5, ge=0.0, le=1.0)
    patch_stats: PatchStats = Field(default_factory=PatchStats)
    fallback: bool = Field(
        default=False, description="True when built from the trajectory, not by the model."
    )
    fallback_reason: str | None = Field(
        default=None, description="Why the model's summary was not used (with `fallback`)."
    )
    trajectory_tokens: int = Field(
        default=0, ge=0, description="Estimated tokens of the trajectory and patch summarized."
    )
    summary_tokens: int = Field(default=0, ge=0, description="Estimated tokens of this summary.")

    @property
    def compression_ratio(self) -> float:
        """Trajectory tokens per summary token (0 when not measured)."""
        return self.trajectory_tokens / self.summary_tokens if self.summary_tokens else 0.0
