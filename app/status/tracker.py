"""Folds engine events into the live view the status comment shows; also an EventSink."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from scaling.events import (
    BaselineDone,
    BudgetSkipped,
    CrossChecked,
    Event,
    GateDecided,
    HoldoutDecided,
    MatchDecided,
    RolloutFinished,
    RolloutStarted,
    RolloutStep,
    RoundStarted,
    RunFinished,
)

Phase = Literal["starting", "running", "publishing", "done", "failed", "cancelled"]


@dataclass
class RolloutView:
    """One rollout as the status comment shows it."""

    id: str
    round: int
    state: str = "running"
    steps: int = 0
    last_command: str = ""
    cost_usd: float = 0.0
    gate: str = "pending"
    gate_reasons: list[str] = field(default_factory=list)
    holdout: str = ""


@dataclass
class RunTracker:
    """Live state of one run; `version` grows on every change so writers know to re-render."""

    budget_usd: float | None = None
    phase: Phase = "starting"
    rounds: list[RoundStarted] = field(default_factory=list)
    rollouts: dict[str, RolloutView] = field(default_factory=dict)
    matches: list[MatchDecided] = field(default_factory=list)
    cross_checks: list[CrossChecked] = field(default_factory=list)
    baseline: BaselineDone | None = None
    skipped: list[BudgetSkipped] = field(default_factory=list)
    finished: RunFinished | None = None
    spend_usd: float = 0.0
    pr_url: str | None = None
    run_url: str | None = None
    """The run's page on the dashboard, when the deployment has a public address."""
    outcome: str = ""
    ci: str = ""
    """What the repository's CI said about the pull request's head (Markdown), once watched."""
    advice: list[str] = field(default_factory=list)
    version: int = 0

    def emit(self, event: Event) -> None:
        self._apply(event)
        self.version += 1

    def touch(self) -> None:
        self.version += 1

    def _apply(self, event: Event) -> None:
        if isinstance(event, RoundStarted):
            self.phase = "running"
            self.rounds.append(event)
        elif isinstance(event, RolloutStarted):
            self.rollouts[event.rollout_id] = RolloutView(id=event.rollout_id, round=event.round)
        elif isinstance(event, RolloutStep):
            view = self._rollout(event.rollout_id)
            view.steps = max(view.steps, event.step)
            view.last_command = event.command
        elif isinstance(event, RolloutFinished):
            view = self._rollout(event.rollout_id)
            view.state, view.steps, view.cost_usd = event.exit_status, event.steps, event.cost_usd
            self.spend_usd = sum(r.cost_usd for r in self.rollouts.values())
        elif isinstance(event, GateDecided):
            view = self._rollout(event.rollout_id)
            view.gate = event.verdict
            view.gate_reasons = [*event.reasons, *event.tamper]
        elif isinstance(event, HoldoutDecided):
            self._rollout(event.rollout_id).holdout = "passed" if event.passed else "failed"
        elif isinstance(event, MatchDecided):
            self.matches.append(event)
        elif isinstance(event, CrossChecked):
            self.cross_checks.append(event)
        elif isinstance(event, BaselineDone):
            self.baseline = event
        elif isinstance(event, BudgetSkipped):
            self.skipped.append(event)
        elif isinstance(event, RunFinished):
            self.finished = event
        # Other events (summaries) are not shown live; the PR body has them.

    def _rollout(self, rollout_id: str) -> RolloutView:
        if rollout_id not in self.rollouts:
            self.rollouts[rollout_id] = RolloutView(id=rollout_id, round=0)
        return self.rollouts[rollout_id]
