"""Each rollout's patch, recorded as the rollout finishes, so any candidate can be published.

Everything else about a rollout (round, exit status, steps, cost, gate, summary) is read from
the run's stored `RunResult`; patches are kept here because the result carries only the winner's.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.store.tables.base import Base, run_fk, utcnow


class RolloutRow(Base):
    __tablename__ = "rollouts"
    __table_args__ = (UniqueConstraint("run_id", "rollout_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = run_fk()
    rollout_id: Mapped[str] = mapped_column(String(100))
    patch: Mapped[str] = mapped_column(Text)
    patch_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
