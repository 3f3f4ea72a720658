"""Initial run store: runs and everything a run records.

Revision ID: r0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "r0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

ACTIVE_WHERE = sa.text("status IN ('queued', 'running')")
STATUSES = "'queued', 'running', 'resolved', 'unresolved', 'failed', 'cancelled', 'superseded'"
TRIGGERS = "'label', 'comment', 'review', 'retry', 'refine'"


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), primary_key=True)


def _at(name: str, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _run_fk(table: str) -> sa.Column[int]:
    fk = sa.ForeignKey("runs.id", ondelete="CASCADE", name=f"fk_{table}_run_id_runs")
    return sa.Column("run_id", sa.Integer(), fk, nullable=False)


def _rollout_fk(table: str) -> sa.Column[int]:
    fk = sa.ForeignKey("rollouts.id", ondelete="CASCADE", name=f"fk_{table}_rollout_pk_rollouts")
    return sa.Column("rollout_pk", sa.Integer(), fk, nullable=False)


def _str(name: str, length: int, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(length), nullable=nullable)


def _int(name: str, nullable: bool = False, big: bool = False) -> sa.Column[int]:
    return sa.Column(name, sa.BigInteger() if big else sa.Integer(), nullable=nullable)


def _usage() -> list[sa.Column[int] | sa.Column[float]]:
    return [
        _int("input_tokens", big=True),
        _int("output_tokens", big=True),
        sa.Column("cost_usd", sa.Float(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "runs",
        _id(),
        _str("repo", 200),
        _int("installation_id", big=True),
        _int("issue_number"),
        _str("trigger", 16),
        _str("status", 16),
        _str("delivery_id", 100),
        _str("sender", 100, nullable=True),
        sa.Column(
            "parent_run_id",
            sa.Integer(),
            sa.ForeignKey("runs.id", ondelete="SET NULL", name="fk_runs_parent_run_id_runs"),
            nullable=True,
        ),
        sa.Column("feedback", sa.Text(), nullable=True),
        _int("status_comment_id", nullable=True, big=True),
        _int("pr_number", nullable=True),
        _str("pr_url", 500, nullable=True),
        _str("branch", 255, nullable=True),
        _str("head_sha", 64, nullable=True),
        _str("winner_rollout_id", 100, nullable=True),
        sa.Column("config", sa.JSON(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("cost_usd", sa.Float(), nullable=False),
        _int("input_tokens", big=True),
        _int("output_tokens", big=True),
        sa.Column("error", sa.Text(), nullable=True),
        _at("created_at"),
        _at("updated_at"),
        _at("started_at", nullable=True),
        _at("finished_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_runs"),
        sa.UniqueConstraint(
            "repo", "issue_number", "delivery_id", name="uq_runs_repo_issue_number_delivery_id"
        ),
        sa.CheckConstraint(f'"status" IN ({STATUSES})', name="ck_runs_status"),
        sa.CheckConstraint(f'"trigger" IN ({TRIGGERS})', name="ck_runs_trigger"),
    )
    op.create_index("ix_runs_repo_issue_number", "runs", ["repo", "issue_number"])
    # At most one queued or running run per issue, enforced by the database itself.
    op.create_index(
        "ux_runs_active_issue",
        "runs",
        ["repo", "issue_number"],
        unique=True,
        sqlite_where=ACTIVE_WHERE,
        postgresql_where=ACTIVE_WHERE,
    )

    op.create_table(
        "rollouts",
        _id(),
        _run_fk("rollouts"),
        _str("rollout_id", 100),
        _int("round"),
        _int("index"),
        _str("exit_status", 20),
        _int("steps"),
        sa.Column("cost_usd", sa.Float(), nullable=False),
        _int("input_tokens", big=True),
        _int("output_tokens", big=True),
        sa.Column("wall_s", sa.Float(), nullable=False),
        sa.Column("patch", sa.Text(), nullable=False),
        _str("patch_sha256", 64),
        _str("trajectory_path", 1000, nullable=True),
        _str("candidate_id", 100, nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        _at("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_rollouts"),
        sa.UniqueConstraint("run_id", "rollout_id", name="uq_rollouts_run_id_rollout_id"),
    )
    op.create_index("ix_rollouts_run_id", "rollouts", ["run_id"])

    op.create_table(
        "summaries",
        _id(),
        _rollout_fk("summaries"),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("markdown", sa.Text(), nullable=False),
        sa.Column("fallback", sa.Boolean(), nullable=False),
        _at("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_summaries"),
        sa.UniqueConstraint("rollout_pk", name="uq_summaries_rollout_pk"),
    )

    op.create_table(
        "gates",
        _id(),
        _rollout_fk("gates"),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("tamper", sa.JSON(), nullable=False),
        sa.Column("reproduced", sa.Boolean(), nullable=True),
        sa.Column("holdout", sa.Boolean(), nullable=True),
        _at("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_gates"),
        sa.UniqueConstraint("rollout_pk", name="uq_gates_rollout_pk"),
    )

    match_key = ["run_id", "round", "purpose", "stage", "match"]
    op.create_table(
        "matches",
        _id(),
        _run_fk("matches"),
        _int("round"),
        _str("purpose", 10),
        _int("stage"),
        _int("match"),
        sa.Column("candidates", sa.JSON(), nullable=False),
        _str("winner", 100),
        sa.Column("tally", sa.JSON(), nullable=False),
        _int("invalid_votes"),
        _str("tie_broken_by", 100, nullable=True),
        sa.Column("early_stopped", sa.Boolean(), nullable=False),
        _at("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_matches"),
        sa.UniqueConstraint(*match_key, name="uq_matches_" + "_".join(match_key)),
    )
    op.create_index("ix_matches_run_id", "matches", ["run_id"])

    vote_key = [*match_key, "index"]
    op.create_table(
        "votes",
        _id(),
        _run_fk("votes"),
        _int("round"),
        _str("purpose", 10),
        _int("stage"),
        _int("match"),
        _int("index"),
        sa.Column("candidates", sa.JSON(), nullable=False),
        _str("choice", 100, nullable=True),
        sa.Column("valid", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        *_usage(),
        _at("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_votes"),
        sa.UniqueConstraint(*vote_key, name="uq_votes_" + "_".join(vote_key)),
    )
    op.create_index("ix_votes_run_id", "votes", ["run_id"])

    op.create_table(
        "costs",
        _id(),
        _run_fk("costs"),
        _str("kind", 16),
        *_usage(),
        _int("calls"),
        sa.PrimaryKeyConstraint("id", name="pk_costs"),
        sa.UniqueConstraint("run_id", "kind", name="uq_costs_run_id_kind"),
    )
    op.create_index("ix_costs_run_id", "costs", ["run_id"])

    op.create_table(
        "pr_links",
        _id(),
        _run_fk("pr_links"),
        _str("repo", 200),
        _int("pr_number"),
        _str("pr_url", 500),
        _str("branch", 255),
        _str("head_sha", 64),
        _str("rollout_id", 100, nullable=True),
        _at("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_pr_links"),
    )
    op.create_index("ix_pr_links_run_id", "pr_links", ["run_id"])
    op.create_index("ix_pr_links_repo_pr_number", "pr_links", ["repo", "pr_number"])

    op.create_table(
        "webhook_deliveries",
        _id(),
        _str("delivery_id", 100),
        _str("event", 50),
        _str("action", 50, nullable=True),
        _str("repo", 200, nullable=True),
        _at("received_at"),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_deliveries"),
        sa.UniqueConstraint("delivery_id", name="uq_webhook_deliveries_delivery_id"),
    )


def downgrade() -> None:
    for table in ("webhook_deliveries", "pr_links", "costs", "votes", "matches", "gates"):
        op.drop_table(table)
    for table in ("summaries", "rollouts", "runs"):
        op.drop_table(table)
