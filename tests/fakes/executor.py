"""A fake of the worker's Executor seam: scripted engine results instead of Docker and an LLM.

Each run yields the same three candidates against `calc.py` (`def add(a, b): return a - b`):
1 and 3 pass their gate, 2 fails it; 1 wins. Rollouts (patches included) are recorded in the
store when one is given, as the real executor does, so `/autofix pick` can publish them.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass, field

from app.config import RepoConfig
from app.status.tracker import RunTracker
from app.store.records import Run
from app.worker.ports import RepoApi
from app.worker.store_port import RunStorePort
from scaling.events import GateDecided, RolloutFinished, RolloutStarted, RoundStarted
from scaling.issue import Issue
from scaling.result import (
    CandidateRecord,
    GateResult,
    HoldoutStatus,
    RolloutRecord,
    RunResult,
    Winner,
)
from scaling.rollout import Rollout
from scaling.summary import RolloutSummary

SUMMARY = "Replaced the subtraction in add() with an addition."


def calc_patch(expression: str) -> str:
    """A diff turning `return a - b` in calc.py into `return <expression>`."""
    return (
        "diff --git a/calc.py b/calc.py\n--- a/calc.py\n+++ b/calc.py\n"
        "@@ -1,2 +1,2 @@\n def add(a, b):\n-    return a - b\n"
        f"+    return {expression}\n"
    )


# (expression, passes its gate) per candidate, in candidate order.
CANDIDATES = (("a + b", True), ("b + a", False), ("sum((a, b))", True))
PATCH = calc_patch(CANDIDATES[0][0])


@dataclass
class ExecutedRun:
    """What one execute call was given."""

    run: Run
    issue: Issue


@dataclass
class ScriptedExecutor:
    """Executor yielding CANDIDATES; `hold` (if set) keeps each run going until cancelled."""

    store: RunStorePort | None = None
    hold: bool = False
    holdouts: dict[int, HoldoutStatus] = field(default_factory=dict)
    """Holdout outcomes by candidate number (1-based); the others never ran the holdout."""
    refined: str | None = None
    """The first candidate's expression in runs that were given feedback (refinements)."""
    started: asyncio.Event = field(default_factory=asyncio.Event)
    executed: list[ExecutedRun] = field(default_factory=list)

    @property
    def issues(self) -> list[Issue]:
        return [e.issue for e in self.executed]

    async def execute(
        self, run: Run, config: RepoConfig, repo: RepoApi, issue: Issue, tracker: RunTracker
    ) -> RunResult:
        self.executed.append(ExecutedRun(run, issue))
        tracker.emit(RoundStarted(round=0, rollouts=len(CANDIDATES)))
        self.started.set()
        if self.hold:
            tracker.emit(RolloutStarted(rollout_id="r0-0", round=0))
            await asyncio.sleep(3600)
        rollouts, candidates, gates, summaries = [], [], [], []
        scripted = CANDIDATES
        if run.feedback and self.refined is not None:
            scripted = ((self.refined, True), *CANDIDATES[1:])
        for index, (expression, passed) in enumerate(scripted):
            rid = f"r0-{index}"
            patch = calc_patch(expression)
            sha = hashlib.sha256(patch.encode()).hexdigest()
            tracker.emit(RolloutStarted(rollout_id=rid, round=0))
            tracker.emit(
                RolloutFinished(rollout_id=rid, exit_status="submitted", steps=3, cost_usd=0.1)
            )
            tracker.emit(GateDecided(rollout_id=rid, passed=passed))
            if self.store is not None:
                rollout = Rollout(
                    rollout_id=rid,
                    round=0,
                    index=index,
                    exit_status="submitted",
                    patch=patch,
                    steps=3,
                )
                await self.store.record_rollout(run.id, rollout)
            gate = "passed" if passed else "failed"
            rollouts.append(
                RolloutRecord(
                    id=rid,
                    round=0,
                    index=index,
                    exit_status="submitted",
                    gate=gate,
                    patch_sha256=sha,
                    candidate=f"c{index + 1}",
                )
            )
            candidates.append(
                CandidateRecord(
                    id=f"c{index + 1}",
                    round=0,
                    rollout_ids=(rid,),
                    count=1,
                    patch_sha256=sha,
                    gate=gate,
                    holdout=self.holdouts.get(index + 1, "not_run"),
                )
            )
            gates.append(GateResult(rollout_id=rid, passed=passed))
            summaries.append(
                RolloutSummary(rollout_id=rid, approach=f"Candidate {index + 1}: `{expression}`.")
            )
        winner = summaries[0].model_copy(update={"approach": f"{SUMMARY} (run {run.id})"})
        summaries[0] = winner
        return RunResult(
            status="resolved",
            winner=Winner(rollout_id="r0-0", round=0),
            rollouts=tuple(rollouts),
            rounds=1,
            candidates=tuple(candidates),
            gates=tuple(gates),
            summary=winner,
            summaries=tuple(summaries),
            patch=calc_patch(scripted[0][0]),
            cost_usd=0.3,
        )


class RecordingReaper:
    """The worker's sandbox janitor when no containers are started: records what it is asked."""

    def __init__(self) -> None:
        self.reaped: list[str] = []
        self.pruned = 0
        self.sweeps = 0
        self.sweep_finds = 0
        """What each sweep reports it removed."""

    async def reap(self, run_id: str) -> int:
        self.reaped.append(run_id)
        return 0

    async def sweep(self) -> int:
        self.sweeps += 1
        return self.sweep_finds

    async def prune_images(self) -> int:
        self.pruned += 1
        return 0
