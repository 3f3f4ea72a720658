"""Turns a finished run's state into its RunResult."""

from __future__ import annotations

from scaling.diff import sha256
from scaling.events import RunStatus
from scaling.result import (
    CandidateRecord,
    GateResult,
    GateStatus,
    HoldoutResult,
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


def holdout_status(holdout: HoldoutResult | None) -> HoldoutStatus:
    if holdout is None:
        return "not_run"
    return "passed" if holdout.passed else "failed"


def unresolved_reason(state: RunState) -> str | None:
    """Why a run proposes no patch, in words a maintainer can act on; None once resolved."""
    if state.winner is not None:
        return None
    if state.error is not None:
        return state.error
    first_skip = state.skipped[0] if state.skipped else None
    spent = f"; the budget stopped {first_skip.what} ({first_skip.why})" if first_skip else ""
    if not state.candidates:
        return "no rollout produced a patch" + spent
    gates = [state.gates[c.id] for c in state.candidates if c.id in state.gates]
    flagged = sum(1 for g in gates if g.tamper)
    if not any(g.passed for g in gates):
        if gates and flagged == len(gates):
            return "every candidate was flagged for tampering with tests or the test runner"
        tampering = f" ({flagged} flagged for tampering)" if flagged else ""
        return f"no candidate passed its test gate{tampering}" + spent
    if state.holdouts:
        first = state.holdouts[0]
        return (
            "every candidate that passed its gate and was checked failed the holdout tests "
            f"(first: {first.rollout_id}: {first.reason or 'failed'})" + spent
        )
    return "no candidate that passed its gate could be checked against the holdout" + spent


def run_status(state: RunState) -> RunStatus:
    if state.winner is not None:
        return "resolved"
    if state.error is not None:
        return "error"
    return "unresolved"


def build_result(state: RunState, strategy: str, wall_s: float) -> RunResult:
    by_rollout = {r.rollout_id: c for c in state.candidates for r in c.rollouts}
    holdouts = {h.rollout_id: h for h in state.holdouts}
    rollouts = sorted(state.rollouts, key=lambda r: (r.round, r.index))
    winner = state.winner
    return RunResult(
        status=run_status(state),
        winner=Winner(rollout_id=winner.id, round=winner.round) if winner else None,
        rollouts=tuple(
            RolloutRecord(
                id=r.rollout_id,
                round=r.round,
                index=r.index,
                exit_status=r.exit_status,
                gate=gate_status(
                    state.gates.get(c.id) if (c := by_rollout.get(r.rollout_id)) else None
                ),
                holdout=holdout_status(holdouts.get(c.id) if c else None),
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
                gate=gate_status(state.gates.get(c.id)),
                holdout=holdout_status(holdouts.get(c.id)),
            )
            for c in state.candidates
        ),
        gates=tuple(state.gates[c.id] for c in state.candidates if c.id in state.gates),
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
        reason=unresolved_reason(state),
    )
