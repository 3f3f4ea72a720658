"""Live progress of a local run: a rich table on a terminal, one line per event otherwise."""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.table import Table
from rich.text import Text

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
    SummaryReady,
)

_LOG_LINES = 10


@dataclass
class _Row:
    round: int
    status: str = "starting"
    steps: int = 0
    last: str = ""
    gate: str = ""
    holdout: str = ""


class ProgressView:
    """An EventSink that shows rollouts, gates, the bracket, holdout, rounds and spend."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.rows: dict[str, _Row] = {}
        self.log: list[str] = []
        self.spent = 0.0
        self.live: Live | None = None
        if console.is_terminal:
            self.live = Live(console=console, refresh_per_second=4, get_renderable=self.render)

    def __enter__(self) -> ProgressView:
        if self.live is not None:
            self.live.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.live is not None:
            self.live.stop()

    def emit(self, event: Event) -> None:
        line = self._apply(event)
        if line is None or (self.live is not None and isinstance(event, RolloutStep)):
            return
        self.log = [*self.log, line][-_LOG_LINES:]
        if self.live is None:
            self.console.print(line, markup=False, highlight=False, soft_wrap=True)

    def _apply(self, event: Event) -> str | None:
        if isinstance(event, RoundStarted):
            seeds = f", refining {', '.join(event.conditioned_on)}" if event.conditioned_on else ""
            return f"round {event.round}: {event.rollouts} rollouts{seeds}"
        if isinstance(event, RolloutStarted):
            self.rows[event.rollout_id] = _Row(round=event.round)
            return f"{event.rollout_id}: started"
        if isinstance(event, RolloutStep):
            row = self.rows.setdefault(event.rollout_id, _Row(round=0))
            row.status, row.steps, row.last = "running", event.step, event.command.splitlines()[0]
            # Steps are frequent: a terminal shows them in the table, a log gets one line each.
            return f"{event.rollout_id} step {event.step}: {row.last[:100]}"
        if isinstance(event, RolloutFinished):
            row = self.rows.setdefault(event.rollout_id, _Row(round=0))
            row.status, row.steps = event.exit_status, event.steps
            self.spent += event.cost_usd
            return (
                f"{event.rollout_id}: {event.exit_status} after {event.steps} steps "
                f"(${event.cost_usd:.4f}; spent ${self.spent:.4f})"
            )
        if isinstance(event, SummaryReady):
            kind = "fallback summary" if event.fallback else "summary"
            if event.compression_ratio:
                kind += f" ({event.compression_ratio:g}x smaller than its trajectory)"
            return f"{event.rollout_id}: {kind} — {event.approach[:100]}"
        if isinstance(event, BaselineDone):
            parsed = "per-test" if event.parsed else "exit code only"
            return (
                f"baseline: {event.runs} runs ({parsed}), {event.passing} passing, "
                f"{len(event.flaky)} flaky, {len(event.preexisting)} failing before any change"
            )
        if isinstance(event, GateDecided):
            verdict = event.verdict
            if event.rollout_id in self.rows:
                self.rows[event.rollout_id].gate = verdict
            why = "; ".join([*event.tamper, *event.reasons])
            return f"gate {event.rollout_id}: {verdict}" + (f" ({why})" if why else "")
        if isinstance(event, MatchDecided):
            tally = ", ".join(f"{c} {n}" for c, n in event.votes.items())
            return (
                f"match r{event.round} {event.purpose} stage {event.stage}: "
                f"{' vs '.join(event.candidates)} -> {event.winner} ({tally})"
            )
        if isinstance(event, HoldoutDecided):
            verdict = "passed" if event.passed else "failed"
            if event.rollout_id in self.rows:
                self.rows[event.rollout_id].holdout = verdict
            return f"holdout {event.rollout_id}: {verdict}"
        if isinstance(event, CrossChecked):
            failing = f" ({', '.join(event.failures[:3])})" if event.failures else ""
            return (
                f"cross-check {event.rollout_id} with tests from {event.tests_from}: "
                f"{event.status}{failing}"
            )
        if isinstance(event, BudgetSkipped):
            return f"budget: skipped {event.what} ({event.why})"
        if isinstance(event, RunFinished):
            winner = f", winner {event.winner}" if event.winner else ""
            return f"run {event.status}{winner}; spent ${self.spent:.4f} on rollouts"
        return None

    def render(self) -> RenderableType:
        table = Table(box=None, pad_edge=False, header_style="bold")
        for column in ("rollout", "round", "status", "steps", "gate", "holdout", "last command"):
            table.add_column(column, no_wrap=column != "last command", overflow="ellipsis")
        for rid, row in self.rows.items():
            table.add_row(
                rid,
                str(row.round),
                row.status,
                str(row.steps),
                row.gate,
                row.holdout,
                row.last[:80],
            )
        footer = Text(f"spent ${self.spent:.4f} on rollouts", style="dim")
        return Group(table, Text("\n".join(self.log)), footer)
