"""Turns a finished run's state into its RunResult."""

from __future__ import annotations

from scaling.candidates import Candidate
from scaling.diff import sha256
from scaling.events import RunStatus
from scaling.result import (
    CandidateRecord,
    GateResult,
    GateStatus,
    HoldoutStatus,
    RolloutRecord,
    RunResult,
    Winner,
)
from scaling.state import RunState


def gate_status(gate: GateResult | None) -> GateStatus:
    if gate is None:
        return "not_run"
    if gate.tamper:
        return "flagged"
    return "passed" if gate.passed else "failed"


def holdout_status(candidate: Candidate | None) -> HoldoutStatus:
    if candidate is None or candidate.holdout is None:
        return "not_run"
    return "passed" if candidate.holdout.passed else "failed"


def status_of(state: RunState) -> RunStatus:
    if state.winner is not None:
        return "resolved"
    if state.error is not None:
        return "error"
    return "unresolved"


def build_result(state: RunState, strategy: str, wall_s: float) -> RunResult:
    by_rollout = {r.rollout_id: c for c in state.candidates for r in c.rollouts}
    rollouts = sorted(state.rollouts, key=lambda r: (r.round, r.index))
    winner = state.winner
    return RunResult(
        status=status_of(state),
        winner=Winner(rollout_id=winner.id, round=winner.round) if winner else None,
        rollouts=tuple(
            RolloutRecord(
                id=r.rollout_id,
                round=r.round,
                index=r.index,
                exit_status=r.exit_status,
                gate=gate_status(c.gate if (c := by_rollout.get(r.rollout_id)) else None),
                holdout=holdout_status(by_rollout.get(r.rollout_id)),
                patch_sha256=sha256(r.patch),
                candidate=c.id if c else None,
                steps=r.steps,
                cost_usd=r.usage.cost_usd,
                error=r.error,
            )
            for r in rollouts
        ),
        rounds=state.rounds,
        llm_calls=state.usage.calls + state.judge_calls,
        judge_calls=state.judge_calls,
        input_tokens=state.usage.input_tokens,
        output_tokens=state.usage.output_tokens,
        cost_usd=round(state.usage.cost_usd, 6),
        wall_s=round(wall_s, 3),
        strategy=strategy,
        baseline=state.baseline,
        candidates=tuple(
            CandidateRecord(
                id=c.id,
                round=c.round,
                rollout_ids=tuple(r.rollout_id for r in c.rollouts),
                count=len(c.rollouts),
                patch_sha256=sha256(c.patch),
                gate=gate_status(c.gate),
                holdout=holdout_status(c),
            )
            for c in state.candidates
        ),
        gates=tuple(c.gate for c in state.candidates if c.gate is not None),
        holdouts=tuple(state.holdouts),
        cross_checks=tuple(state.cross_checks),
        matches=tuple(state.matches),
        tournament_order=tuple(state.orders),
        skipped=tuple(state.skipped),
        summaries=tuple(
            state.summaries[r.rollout_id] for r in rollouts if r.rollout_id in state.summaries
        ),
        patch=winner.patch if winner else "",
        summary=state.summaries.get(winner.id) if winner else None,
        error=state.error,
    )
