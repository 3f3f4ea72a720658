"""The `ci:` section of `.github/autofix.yml`: how the repository's own CI is used."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class CiConfig(BaseModel):
    """How autofix watches, waits for and reacts to the checks on its pull request."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mode: Literal["off", "evidence", "gate"] = Field(
        default="evidence",
        description="`off` ignores CI; `evidence` shows CI results on the pull request; `gate` "
        "keeps the pull request a draft until CI passes and tries the next candidate when it "
        "fails.",
    )
    timeout_s: int = Field(
        default=1800,
        ge=60,
        le=86_400,
        description="Seconds to wait for all checks on autofix's head commit to complete.",
    )
    appear_s: int = Field(
        default=120,
        ge=10,
        le=3600,
        description="Seconds after a push with no check at all before the head counts as "
        "having no CI.",
    )
    fix_attempts: int = Field(
        default=1,
        ge=0,
        le=5,
        description="Refinement rounds started automatically when CI fails on autofix's head; "
        "0 turns it off.",
    )
    ignore: tuple[str, ...] = Field(
        default=(),
        description="Check names that never count (for example deploy previews).",
    )
    required_only: bool = Field(
        default=False,
        description="Count only the checks branch protection requires, when autofix can read it.",
    )

    @field_validator("mode", mode="before")
    @classmethod
    def _unquoted_off(cls, value: object) -> object:
        # YAML 1.1 reads an unquoted `off` as false; nobody means "false" here.
        return "off" if value is False else value

    @field_validator("ignore")
    @classmethod
    def _names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for name in value:
            if not name.strip() or len(name) > 200:
                raise ValueError(
                    f"check name {name!r} must be a non-empty name of at most 200 characters"
                )
        return value
