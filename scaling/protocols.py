"""The boundaries the engine calls through; the app supplies implementations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from scaling.events import Event
from scaling.issue import Issue
from scaling.rollout import Rollout, RolloutRequest, Usage
from scaling.summary import RolloutSummary
from scaling.testrun import TestRun
from scaling.vote import Vote

__all__ = ["EventSink", "Judge", "RolloutRunner", "Summarizer", "TestRunner", "Vote"]


class EventSink(Protocol):
    """Receives progress events; must not block (queue them if delivery is slow)."""

    def emit(self, event: Event) -> None: ...


class RolloutRunner(Protocol):
    """Runs one agent rollout in its own sandbox and returns its patch and trajectory facts."""

    async def run(self, request: RolloutRequest, issue: Issue, events: EventSink) -> Rollout: ...


class Summarizer(Protocol):
    """Compresses a rollout into a structured summary (falling back to one built from facts)."""

    async def summarize(self, rollout: Rollout, issue: Issue) -> tuple[RolloutSummary, Usage]: ...


class Judge(Protocol):
    """Picks the best candidate among a few summaries; one call is one vote."""

    async def vote(self, issue: Issue, candidates: Sequence[RolloutSummary]) -> Vote: ...


class TestRunner(Protocol):
    """Runs the repository's test command in fresh sandboxes."""

    async def baseline(self) -> TestRun:
        """Unpatched repository, holdout paths hidden."""
        ...

    async def candidate(self, patch: str) -> TestRun:
        """Fresh sandbox: protected tests reset to base, patch applied, test command run."""
        ...

    async def reproduction(self, patch: str, test_files: Sequence[str]) -> TestRun:
        """Only the patch's changes to `test_files` applied to unpatched code; those tests run."""
        ...

    async def holdout_baseline(self) -> TestRun | None:
        """The holdout on unpatched code, reporting only tests in the holdout paths; None when
        no holdout is configured."""
        ...

    async def holdout(self, patch: str) -> TestRun:
        """Patch applied with the holdout paths present; the holdout tests run."""
        ...

    async def cross(self, patch: str, tests_patch: str, test_files: Sequence[str]) -> TestRun:
        """As for a gate, then only `tests_patch`'s changes to `test_files` on top; those run.

        When those changes do not apply on top of `patch`, the run is `not_applicable`.
        """
        ...


# Test modules import this Protocol by name; keep pytest from collecting it as a test class.
TestRunner.__test__ = False  # type: ignore[attr-defined]
