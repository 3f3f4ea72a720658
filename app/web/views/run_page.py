"""The run page's view: the run's rounds, rollouts, gates, brackets, summaries and spend."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from app.store.records import ACTIVE, Run
from app.web.views.bracket import Bracket, layout
from scaling.result import CrossCheckResult, GateResult, HoldoutResult, RolloutRecord, RunResult
from scaling.summary import RolloutSummary

MAX_CONFIG_ITEMS = 80


class _View(BaseModel):
    model_config = ConfigDict(frozen=True)


class RolloutLine(_View):
    """One rollout with the verdicts of the candidate its patch belongs to."""

    record: RolloutRecord
    candidate: str | None
    gate: GateResult | None
    holdout: HoldoutResult | None
    cross_checks: tuple[CrossCheckResult, ...]
    winner: bool


class RoundView(_View):
    number: int
    rollouts: tuple[RolloutLine, ...]
    brackets: tuple[Bracket, ...]
    order: tuple[str, ...]


class RunView(_View):
    """Everything `/runs/{id}` shows."""

    run: Run
    issue_url: str
    result: RunResult | None
    config: tuple[tuple[str, str], ...]
    rounds: tuple[RoundView, ...]
    summaries: tuple[RolloutSummary, ...]
    budget_usd: float | None

    @property
    def live(self) -> bool:
        return self.run.status in ACTIVE

    @property
    def spent_usd(self) -> float:
        return self.result.cost_usd if self.result is not None else self.run.cost_usd


def flatten(config: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """Dotted keys and printable values of a nested config, for a definition list."""
    for key, value in config.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            yield from flatten(value, name + ".")
        elif isinstance(value, list | tuple):
            yield name, ", ".join(str(v) for v in value) or "(none)"
        elif value is not None:
            yield name, str(value)


def _budget(config: Mapping[str, Any] | None) -> float | None:
    budget = (config or {}).get("budget")
    usd = budget.get("usd") if isinstance(budget, Mapping) else None
    return float(usd) if isinstance(usd, int | float) else None


def _rounds(result: RunResult) -> tuple[RoundView, ...]:
    gates = {g.rollout_id: g for g in result.gates}
    holdouts = {h.rollout_id: h for h in result.holdouts}
    rollouts_of = {c.id: c.rollout_ids for c in result.candidates}
    winner = result.winner.rollout_id if result.winner else None
    numbers = sorted({r.round for r in result.rollouts} | {m.round for m in result.matches})
    views = []
    for number in numbers:
        lines = []
        for record in sorted(
            (r for r in result.rollouts if r.round == number), key=lambda r: (r.index, r.id)
        ):
            key = record.candidate or record.id
            lines.append(
                RolloutLine(
                    record=record,
                    candidate=record.candidate,
                    gate=gates.get(key) or gates.get(record.id),
                    holdout=holdouts.get(key) or holdouts.get(record.id),
                    cross_checks=tuple(c for c in result.cross_checks if c.candidate == key),
                    winner=record.id == winner,
                )
            )
        brackets = []
        for purpose in ("select", "refine"):
            matches = [m for m in result.matches if m.round == number and m.purpose == purpose]
            if matches:
                title = f"Round {number}: " + (
                    "choosing the winner" if purpose == "select" else "choosing what to refine"
                )
                brackets.append(layout(title, matches, rollouts_of))
        order = result.tournament_order[number] if number < len(result.tournament_order) else ()
        views.append(
            RoundView(number=number, rollouts=tuple(lines), brackets=tuple(brackets), order=order)
        )
    return tuple(views)


def run_view(run: Run, result: RunResult | None, web_url: str) -> RunView:
    config = tuple(flatten(run.config or {}))[:MAX_CONFIG_ITEMS]
    return RunView(
        run=run,
        issue_url=f"{web_url}/{run.repo}/issues/{run.issue_number}",
        result=result,
        config=config,
        rounds=_rounds(result) if result is not None else (),
        summaries=result.summaries if result is not None else (),
        budget_usd=_budget(run.config),
    )
