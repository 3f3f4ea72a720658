"""Everything one run has produced so far; the engine's steps add to it."""

from __future__ import annotations

from dataclasses import dataclass, field

from scaling.candidates import Candidate
from scaling.events import BudgetSkipped, Event
from scaling.ledger import Ledger
from scaling.protocols import EventSink
from scaling.result import (
    BaselineRecord,
    CrossCheckResult,
    GateResult,
    HoldoutResult,
    MatchRecord,
    SkipRecord,
)
from scaling.rollout import Rollout, Usage
from scaling.summary import RolloutSummary
from scaling.tiebreak import Entry


@dataclass
class RunState:
    """Mutable record of a run in progress."""

    ledger: Ledger
    sink: EventSink
    rollouts: list[Rollout] = field(default_factory=list)
    summaries: dict[str, RolloutSummary] = field(default_factory=dict)
    candidates: list[Candidate] = field(default_factory=list)
    # Gate results by candidate id, and holdout results in the order they were decided.
    gates: dict[str, GateResult] = field(default_factory=dict)
    holdouts: list[HoldoutResult] = field(default_factory=list)
    cross_checks: list[CrossCheckResult] = field(default_factory=list)
    matches: list[MatchRecord] = field(default_factory=list)
    orders: list[tuple[str, ...]] = field(default_factory=list)
    skipped: list[SkipRecord] = field(default_factory=list)
    baseline: BaselineRecord | None = None
    usage: Usage = field(default_factory=Usage)
    judge_calls: int = 0
    rounds: int = 0
    winner: Candidate | None = None
    error: str | None = None

    def emit(self, event: Event) -> None:
        self.sink.emit(event)

    def holdout_of(self, candidate_id: str) -> HoldoutResult | None:
        return next((h for h in self.holdouts if h.rollout_id == candidate_id), None)

    def entry(self, candidate: Candidate) -> Entry:
        """A candidate as the tournament sees it: its summary and its gate's evidence."""
        return candidate.entry(self.gates.get(candidate.id), self.summaries.get(candidate.id))

    def skip(self, what: str, why: str) -> None:
        self.skipped.append(SkipRecord(what=what, why=why))
        self.emit(BudgetSkipped(what=what, why=why))
