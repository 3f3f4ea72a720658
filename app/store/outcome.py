"""Storing a finished engine run (`scaling.result.RunResult`) in the store's own tables.

The only module that knows the RunResult's shape: if the engine's result changes, this changes.
Patches are not part of a RunResult (only the winner's is); record each Rollout as it finishes
(`Store.record_rollout`) so that `/autofix pick` can publish any candidate later.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.store import results
from app.store.records import GateRecord, MatchRecord, VoteRecord
from app.store.runs import run_row
from app.store.tables import CostRow, RolloutRow
from scaling.result import RunResult
from scaling.rollout import Usage
from scaling.summary import RolloutSummary

Render = Callable[[RolloutSummary], str]


def record_result(session: Session, run_id: int, result: RunResult, render: Render) -> None:
    """Store everything the result decided; the run's status is left to the caller."""
    run = run_row(session, run_id)
    run.result = result.model_dump(mode="json")
    run.winner_rollout_id = result.winner.rollout_id if result.winner else None
    run.input_tokens, run.output_tokens = result.input_tokens, result.output_tokens
    run.cost_usd = result.cost_usd
    _rollouts(session, run_id, result)
    for summary in result.summaries:
        results.record_summary(session, run_id, summary.rollout_id, summary, render(summary))
    holdouts = {h.rollout_id: h.passed for h in result.holdouts}
    for gate in result.gates:
        record = GateRecord(
            rollout_id=gate.rollout_id,
            passed=gate.passed,
            reasons=gate.reasons,
            tamper=gate.tamper,
            reproduced=gate.reproduced,
            holdout=holdouts.get(gate.rollout_id),
        )
        results.record_gate(session, run_id, record)
    judge = _tournament(session, run_id, result)
    _costs(session, run_id, result, judge)


def _rollouts(session: Session, run_id: int, result: RunResult) -> None:
    stored = {
        row.rollout_id: row
        for row in session.scalars(select(RolloutRow).where(RolloutRow.run_id == run_id))
    }
    winner = result.winner.rollout_id if result.winner else None
    for record in result.rollouts:
        row = stored.get(record.id)
        if row is None:  # never recorded while running: keep what the result knows
            row = RolloutRow(
                run_id=run_id,
                rollout_id=record.id,
                round=record.round,
                index=record.index,
                exit_status=record.exit_status,
                steps=record.steps,
                cost_usd=record.cost_usd,
                input_tokens=0,
                output_tokens=0,
                wall_s=0.0,
                patch=result.patch if record.id == winner else "",
                patch_sha256=record.patch_sha256,
                error=record.error,
            )
            session.add(row)
        row.candidate_id = record.candidate
    session.flush()


def _tournament(session: Session, run_id: int, result: RunResult) -> Usage:
    """Matches and their votes; returns what the judge calls cost."""
    spent = Usage()
    seen: defaultdict[tuple[int, str, int], int] = defaultdict(int)
    for match in result.matches:
        key = (match.round, match.purpose, match.stage)
        position = seen[key]
        seen[key] += 1
        stored = MatchRecord(
            round=match.round,
            purpose=match.purpose,
            stage=match.stage,
            match=position,
            candidates=match.candidates,
            winner=match.winner,
            tally=match.tally,
            invalid_votes=match.invalid_votes,
            tie_broken_by=match.tie_broken_by,
            early_stopped=match.early_stopped,
        )
        results.record_match(session, run_id, stored)
        for index, vote in enumerate(match.votes):
            usage = Usage(cost_usd=vote.cost_usd, calls=1)
            spent = spent + usage
            record = VoteRecord(
                round=match.round,
                purpose=match.purpose,
                stage=match.stage,
                match=position,
                index=index,
                candidates=vote.order,
                choice=vote.choice,
                valid=vote.valid,
                reason=vote.reason,
                usage=usage,
            )
            results.record_vote(session, run_id, record)
    return spent


def _costs(session: Session, run_id: int, result: RunResult, judge: Usage) -> None:
    """Replace live cost entries with the result's final split (agent and summaries as llm)."""
    session.execute(delete(CostRow).where(CostRow.run_id == run_id))
    llm_calls = max(result.llm_calls - result.judge_calls, 0)
    split = {
        "llm": (result.input_tokens, result.output_tokens, result.cost_usd - judge.cost_usd),
        "judge": (0, 0, judge.cost_usd),
    }
    calls = {"llm": llm_calls, "judge": result.judge_calls}
    for kind, (tokens_in, tokens_out, cost) in split.items():
        if calls[kind] or cost:
            session.add(
                CostRow(
                    run_id=run_id,
                    kind=kind,
                    input_tokens=tokens_in,
                    output_tokens=tokens_out,
                    cost_usd=max(cost, 0.0),
                    calls=calls[kind],
                )
            )
