"""Tables about what a run's engine produced: rollouts, summaries, gates and the tournament."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Float, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.store.tables.base import Base, rollout_fk, run_fk, utcnow


class RolloutRow(Base):
    __tablename__ = "rollouts"
    __table_args__ = (UniqueConstraint("run_id", "rollout_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = run_fk()
    rollout_id: Mapped[str] = mapped_column(String(100))
    round: Mapped[int]
    index: Mapped[int]
    exit_status: Mapped[str] = mapped_column(String(20))
    steps: Mapped[int]
    cost_usd: Mapped[float] = mapped_column(Float)
    input_tokens: Mapped[int] = mapped_column(BigInteger)
    output_tokens: Mapped[int] = mapped_column(BigInteger)
    wall_s: Mapped[float] = mapped_column(Float)
    patch: Mapped[str] = mapped_column(Text)
    patch_sha256: Mapped[str] = mapped_column(String(64))
    trajectory_path: Mapped[str | None] = mapped_column(String(1000))
    candidate_id: Mapped[str | None] = mapped_column(String(100))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SummaryRow(Base):
    __tablename__ = "summaries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rollout_pk: Mapped[int] = rollout_fk()
    data: Mapped[dict[str, Any]]
    markdown: Mapped[str] = mapped_column(Text)
    fallback: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class GateRow(Base):
    __tablename__ = "gates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rollout_pk: Mapped[int] = rollout_fk()
    passed: Mapped[bool] = mapped_column(Boolean)
    reasons: Mapped[list[str]]
    tamper: Mapped[list[str]]
    reproduced: Mapped[bool | None] = mapped_column(Boolean)
    holdout: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MatchRow(Base):
    __tablename__ = "matches"
    __table_args__ = (UniqueConstraint("run_id", "round", "purpose", "stage", "match"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = run_fk()
    round: Mapped[int]
    purpose: Mapped[str] = mapped_column(String(10))
    stage: Mapped[int]
    match: Mapped[int]
    candidates: Mapped[list[str]]
    winner: Mapped[str] = mapped_column(String(100))
    tally: Mapped[dict[str, Any]]
    invalid_votes: Mapped[int]
    tie_broken_by: Mapped[str | None] = mapped_column(String(100))
    early_stopped: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class VoteRow(Base):
    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("run_id", "round", "purpose", "stage", "match", "index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = run_fk()
    round: Mapped[int]
    purpose: Mapped[str] = mapped_column(String(10))
    stage: Mapped[int]
    match: Mapped[int]
    index: Mapped[int]
    candidates: Mapped[list[str]]
    choice: Mapped[str | None] = mapped_column(String(100))
    valid: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text)
    input_tokens: Mapped[int] = mapped_column(BigInteger)
    output_tokens: Mapped[int] = mapped_column(BigInteger)
    cost_usd: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
