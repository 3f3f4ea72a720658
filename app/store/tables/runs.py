"""The run (its lifecycle, the indexed columns queries need, its RunResult as JSON) and its PRs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.store.records import RunStatus, RunTrigger
from app.store.tables.base import ACTIVE_WHERE, Base, one_of, run_fk, utcnow


class RunRow(Base):
    __tablename__ = "runs"
    __table_args__ = (
        UniqueConstraint("repo", "issue_number", "delivery_id"),
        CheckConstraint(one_of("status", RunStatus), name="status"),
        CheckConstraint(one_of("trigger", RunTrigger), name="trigger"),
        Index("ix_runs_repo_issue_number", "repo", "issue_number"),
        # The dashboard's lists: newest first within a repository or a status.
        Index("ix_runs_repo_id", "repo", "id"),
        Index("ix_runs_status_id", "status", "id"),
        Index(
            "ux_runs_active_issue",
            "repo",
            "issue_number",
            unique=True,
            sqlite_where=text(ACTIVE_WHERE),
            postgresql_where=text(ACTIVE_WHERE),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    repo: Mapped[str] = mapped_column(String(200))
    installation_id: Mapped[int] = mapped_column(BigInteger)
    issue_number: Mapped[int]
    trigger: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    delivery_id: Mapped[str] = mapped_column(String(100))
    sender: Mapped[str | None] = mapped_column(String(100))
    parent_run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="SET NULL"))
    feedback: Mapped[str | None] = mapped_column(Text)
    status_comment_id: Mapped[int | None] = mapped_column(BigInteger)
    pr_number: Mapped[int | None]
    pr_url: Mapped[str | None] = mapped_column(String(500))
    branch: Mapped[str | None] = mapped_column(String(255))
    head_sha: Mapped[str | None] = mapped_column(String(64))
    winner_rollout_id: Mapped[str | None] = mapped_column(String(100))
    config: Mapped[dict[str, Any] | None]
    # The engine's final RunResult as JSON (what `autofix solve` writes to result.json).
    result: Mapped[dict[str, Any] | None] = mapped_column(deferred=True)
    cost_usd: Mapped[float] = mapped_column(Float, default=0.0)
    input_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    output_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class PullRequestRow(Base):
    __tablename__ = "pr_links"
    __table_args__ = (Index("ix_pr_links_repo_pr_number", "repo", "pr_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = run_fk()
    repo: Mapped[str] = mapped_column(String(200))
    pr_number: Mapped[int]
    pr_url: Mapped[str] = mapped_column(String(500))
    branch: Mapped[str] = mapped_column(String(255))
    head_sha: Mapped[str] = mapped_column(String(64))
    rollout_id: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
