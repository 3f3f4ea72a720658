"""Recording what a run's engine produced: rollouts, summaries, gates, matches and votes.

Every write is an upsert keyed by the engine's own ids, so a job that re-runs after a worker
crash (arq delivers at least once) overwrites instead of duplicating.
"""

from __future__ import annotations

import hashlib
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.store.errors import RolloutNotFound
from app.store.records import GateRecord, MatchRecord, VoteRecord
from app.store.runs import run_row
from app.store.tables import GateRow, MatchRow, RolloutRow, SummaryRow, VoteRow
from scaling.rollout import Rollout
from scaling.summary import RolloutSummary

T = TypeVar("T")


def patch_sha256(patch: str) -> str:
    return hashlib.sha256(patch.encode()).hexdigest()


def rollout_row(session: Session, run_id: int, rollout_id: str) -> RolloutRow:
    row = session.scalar(
        select(RolloutRow).where(RolloutRow.run_id == run_id, RolloutRow.rollout_id == rollout_id)
    )
    if row is None:
        raise RolloutNotFound(run_id, rollout_id)
    return row


def _upsert(session: Session, row: T | None, make: type[T], values: dict[str, Any]) -> T:
    if row is None:
        row = make(**values)
        session.add(row)
    else:
        for key, value in values.items():
            setattr(row, key, value)
    session.flush()
    return row


def record_rollout(session: Session, run_id: int, rollout: Rollout) -> None:
    run_row(session, run_id)  # a clear error instead of a foreign key violation
    existing = session.scalar(
        select(RolloutRow).where(
            RolloutRow.run_id == run_id, RolloutRow.rollout_id == rollout.rollout_id
        )
    )
    values = {
        "run_id": run_id,
        "rollout_id": rollout.rollout_id,
        "round": rollout.round,
        "index": rollout.index,
        "exit_status": rollout.exit_status,
        "steps": rollout.steps,
        "cost_usd": rollout.usage.cost_usd,
        "input_tokens": rollout.usage.input_tokens,
        "output_tokens": rollout.usage.output_tokens,
        "wall_s": rollout.wall_s,
        "patch": rollout.patch,
        "patch_sha256": patch_sha256(rollout.patch),
        "trajectory_path": rollout.trajectory_path,
        "error": rollout.error,
    }
    _upsert(session, existing, RolloutRow, values)


def record_summary(
    session: Session, run_id: int, rollout_id: str, summary: RolloutSummary, markdown: str
) -> None:
    rollout = rollout_row(session, run_id, rollout_id)
    existing = session.scalar(select(SummaryRow).where(SummaryRow.rollout_pk == rollout.id))
    values = {
        "rollout_pk": rollout.id,
        "data": summary.model_dump(mode="json"),
        "markdown": markdown,
        "fallback": summary.fallback,
    }
    _upsert(session, existing, SummaryRow, values)


def record_gate(session: Session, run_id: int, gate: GateRecord) -> None:
    rollout = rollout_row(session, run_id, gate.rollout_id)
    existing = session.scalar(select(GateRow).where(GateRow.rollout_pk == rollout.id))
    values: dict[str, Any] = {
        "rollout_pk": rollout.id,
        "passed": gate.passed,
        "reasons": list(gate.reasons),
        "tamper": list(gate.tamper),
        "reproduced": gate.reproduced,
    }
    if gate.holdout is not None or existing is None:
        values["holdout"] = gate.holdout
    _upsert(session, existing, GateRow, values)


def record_holdout(session: Session, run_id: int, rollout_id: str, passed: bool) -> None:
    rollout = rollout_row(session, run_id, rollout_id)
    gate = session.scalar(select(GateRow).where(GateRow.rollout_pk == rollout.id))
    if gate is None:
        raise RolloutNotFound(run_id, f"{rollout_id} (no gate result yet)")
    gate.holdout = passed


def record_match(session: Session, run_id: int, match: MatchRecord) -> None:
    run_row(session, run_id)
    existing = session.scalar(
        select(MatchRow).where(
            MatchRow.run_id == run_id,
            MatchRow.round == match.round,
            MatchRow.purpose == match.purpose,
            MatchRow.stage == match.stage,
            MatchRow.match == match.match,
        )
    )
    values = {"run_id": run_id, **match.model_dump(mode="json")}
    _upsert(session, existing, MatchRow, values)


def record_vote(session: Session, run_id: int, vote: VoteRecord) -> None:
    run_row(session, run_id)
    existing = session.scalar(
        select(VoteRow).where(
            VoteRow.run_id == run_id,
            VoteRow.round == vote.round,
            VoteRow.purpose == vote.purpose,
            VoteRow.stage == vote.stage,
            VoteRow.match == vote.match,
            VoteRow.index == vote.index,
        )
    )
    values = {
        "run_id": run_id,
        **vote.model_dump(mode="json", exclude={"usage"}),
        "input_tokens": vote.usage.input_tokens,
        "output_tokens": vote.usage.output_tokens,
        "cost_usd": vote.usage.cost_usd,
    }
    _upsert(session, existing, VoteRow, values)
