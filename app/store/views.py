"""Reading a run's results back: candidates, the tournament, and patches."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.store.records import Candidate, GateRecord, MatchRecord, VoteRecord
from app.store.results import rollout_row
from app.store.runs import run_row
from app.store.tables import GateRow, MatchRow, RolloutRow, SummaryRow, VoteRow
from scaling.rollout import Usage
from scaling.summary import RolloutSummary


def candidates(session: Session, run_id: int) -> list[Candidate]:
    """The run's rollouts in (round, index) order; `position` is what `pick n` refers to."""
    run_row(session, run_id)
    rows = session.execute(
        select(RolloutRow, SummaryRow, GateRow)
        .outerjoin(SummaryRow, SummaryRow.rollout_pk == RolloutRow.id)
        .outerjoin(GateRow, GateRow.rollout_pk == RolloutRow.id)
        .where(RolloutRow.run_id == run_id)
        .order_by(RolloutRow.round, RolloutRow.index, RolloutRow.id)
    ).all()
    return [
        Candidate(
            position=position,
            rollout_id=rollout.rollout_id,
            candidate_id=rollout.candidate_id,
            round=rollout.round,
            index=rollout.index,
            exit_status=rollout.exit_status,
            steps=rollout.steps,
            cost_usd=rollout.cost_usd,
            patch_sha256=rollout.patch_sha256,
            has_patch=bool(rollout.patch.strip()),
            trajectory_path=rollout.trajectory_path,
            summary=None if summary is None else RolloutSummary.model_validate(summary.data),
            summary_markdown=None if summary is None else summary.markdown,
            gate=None if gate is None else _gate(rollout.rollout_id, gate),
        )
        for position, (rollout, summary, gate) in enumerate(rows, start=1)
    ]


def _gate(rollout_id: str, row: GateRow) -> GateRecord:
    return GateRecord(
        rollout_id=rollout_id,
        passed=row.passed,
        reasons=tuple(row.reasons),
        tamper=tuple(row.tamper),
        reproduced=row.reproduced,
        holdout=row.holdout,
    )


def patch(session: Session, run_id: int, rollout_id: str) -> str:
    return rollout_row(session, run_id, rollout_id).patch


def matches(session: Session, run_id: int) -> list[MatchRecord]:
    rows = session.scalars(
        select(MatchRow)
        .where(MatchRow.run_id == run_id)
        .order_by(MatchRow.round, MatchRow.purpose, MatchRow.stage, MatchRow.match)
    )
    return [MatchRecord.model_validate(row, from_attributes=True) for row in rows]


def votes(session: Session, run_id: int) -> list[VoteRecord]:
    rows = session.scalars(
        select(VoteRow)
        .where(VoteRow.run_id == run_id)
        .order_by(VoteRow.round, VoteRow.purpose, VoteRow.stage, VoteRow.match, VoteRow.index)
    )
    return [
        VoteRecord(
            round=row.round,
            purpose=row.purpose,
            stage=row.stage,
            match=row.match,
            index=row.index,
            candidates=tuple(row.candidates),
            choice=row.choice,
            valid=row.valid,
            reason=row.reason,
            usage=Usage(
                input_tokens=row.input_tokens,
                output_tokens=row.output_tokens,
                cost_usd=row.cost_usd,
                calls=1,
            ),
        )
        for row in rows
    ]
