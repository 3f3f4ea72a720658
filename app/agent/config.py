"""Knobs of one agent rollout: its limits and what goes into its first prompt."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

GUIDANCE_FILES = ("AGENTS.md", "CLAUDE.md", ".github/copilot-instructions.md")


class AgentLimits(BaseModel):
    """Hard limits of one rollout; reaching any of them ends it with a typed exit status."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_steps: int = Field(default=30, ge=1, description="Model calls allowed per rollout.")
    max_cost_usd: float = Field(default=2.0, gt=0, description="USD the model may spend.")
    max_wall_s: float = Field(
        default=1800.0, gt=0, description="Wall-clock seconds from the first model call."
    )
    max_format_errors: int = Field(
        default=3, ge=0, description="Malformed answers forgiven before `format_error`."
    )
    command_timeout_s: float = Field(
        default=300.0, gt=0, description="Longest a single command may run."
    )
    max_output_tokens: int = Field(
        default=4096, ge=256, description="Output tokens allowed per model call."
    )
    sandbox_grace_s: float = Field(
        default=60.0, ge=0, description="Extra seconds a sandbox call gets beyond its timeout."
    )


class PromptOptions(BaseModel):
    """What the first prompt of a rollout may include."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    guidance_files: tuple[str, ...] = Field(
        default=GUIDANCE_FILES, description="Repository files with instructions for agents."
    )
    guidance_max_bytes: int = Field(
        default=16_000, ge=0, description="Bytes kept from each guidance file."
    )
    max_prior_summaries: int = Field(
        default=2, ge=0, description="Summaries of earlier rollouts shown in refinement rounds."
    )
