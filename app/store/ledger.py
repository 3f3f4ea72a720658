"""Money and tokens per run, and the audit trail of webhook deliveries."""

from __future__ import annotations

from typing import get_args

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.store.records import CostKind
from app.store.runs import run_row
from app.store.tables import CostRow, DeliveryRow, RunRow
from scaling.rollout import Usage


def add_cost(session: Session, run_id: int, kind: CostKind, usage: Usage) -> None:
    """Add spending to the run's per-kind ledger and to its totals, atomically."""
    if kind not in get_args(CostKind):
        raise ValueError(f"unknown cost kind {kind!r}; use one of {get_args(CostKind)}")
    run_row(session, run_id)
    row = session.scalar(select(CostRow).where(CostRow.run_id == run_id, CostRow.kind == kind))
    if row is None:
        row = CostRow(
            run_id=run_id, kind=kind, input_tokens=0, output_tokens=0, cost_usd=0.0, calls=0
        )
        session.add(row)
        session.flush()
    # Increment in SQL so concurrent additions on PostgreSQL add up instead of overwriting.
    session.execute(
        update(CostRow)
        .where(CostRow.id == row.id)
        .values(
            input_tokens=CostRow.input_tokens + usage.input_tokens,
            output_tokens=CostRow.output_tokens + usage.output_tokens,
            cost_usd=CostRow.cost_usd + usage.cost_usd,
            calls=CostRow.calls + usage.calls,
        )
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(RunRow)
        .where(RunRow.id == run_id)
        .values(
            input_tokens=RunRow.input_tokens + usage.input_tokens,
            output_tokens=RunRow.output_tokens + usage.output_tokens,
            cost_usd=RunRow.cost_usd + usage.cost_usd,
        )
        .execution_options(synchronize_session=False)
    )


def costs(session: Session, run_id: int) -> dict[CostKind, Usage]:
    run_row(session, run_id)
    rows = session.scalars(select(CostRow).where(CostRow.run_id == run_id).order_by(CostRow.kind))
    return {
        row.kind: Usage(  # type: ignore[misc]
            input_tokens=row.input_tokens,
            output_tokens=row.output_tokens,
            cost_usd=row.cost_usd,
            calls=row.calls,
        )
        for row in rows
    }


def record_delivery(
    session: Session, delivery_id: str, event: str, action: str | None, repo: str | None
) -> bool:
    """Remember a webhook delivery; False when it was seen before (a redelivery)."""
    seen = session.scalar(select(DeliveryRow.id).where(DeliveryRow.delivery_id == delivery_id))
    if seen is not None:
        return False
    session.add(DeliveryRow(delivery_id=delivery_id, event=event, action=action, repo=repo))
    session.flush()
    return True
