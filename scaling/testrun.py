"""Per-test outcomes of one run of the test command."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Outcome = Literal["passed", "failed", "error", "skipped", "xfailed", "xpassed"]


class TestRun(BaseModel):
    """What one run of the test command reported."""

    __test__ = False  # not a pytest class
    model_config = ConfigDict(frozen=True)

    exit_code: int
    outcomes: dict[str, Outcome] = {}
    parsed: bool = False
    output_tail: str = ""
    timed_out: bool = False
    duration_s: float = 0.0
    # Cross-checks only: another candidate's tests do not apply on top of this patch (both
    # edited the same test file), so nothing ran; evidence about neither candidate.
    not_applicable: bool = False
    # Why the run's report cannot be authentic (its canary tests came out wrong), or None.
    forged: str | None = None
