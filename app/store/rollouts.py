"""Each rollout's patch, recorded as the rollout finishes and read back by `/autofix pick`.

A write is an upsert keyed by the engine's rollout id, so a job that re-runs after a worker
crash (arq delivers at least once) overwrites instead of duplicating.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.store.runs import run_row
from app.store.tables import RolloutRow
from scaling.diff import sha256


def _row(session: Session, run_id: int, rollout_id: str) -> RolloutRow | None:
    return session.scalar(
        select(RolloutRow).where(RolloutRow.run_id == run_id, RolloutRow.rollout_id == rollout_id)
    )


def record_patch(session: Session, run_id: int, rollout_id: str, patch: str) -> None:
    """Keep `patch` as the rollout's (replacing what an earlier attempt of the job stored)."""
    run_row(session, run_id)  # a clear error instead of a foreign key violation
    row = _row(session, run_id, rollout_id)
    if row is None:
        row = RolloutRow(run_id=run_id, rollout_id=rollout_id)
        session.add(row)
    row.patch, row.patch_sha256 = patch, sha256(patch)
    session.flush()


def patch(session: Session, run_id: int, rollout_id: str) -> str | None:
    """The rollout's patch; None when none was recorded (the rollout ended without one)."""
    run_row(session, run_id)
    row = _row(session, run_id, rollout_id)
    return None if row is None else row.patch
