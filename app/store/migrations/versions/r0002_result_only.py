"""The store keeps the RunResult: drop the tables and columns nothing read back.

Gates, summaries, matches, votes, per-kind costs and the webhook delivery log were written for
every run and never read (the run's `result` JSON holds all of it); a rollout row keeps only its
patch. Their data is dropped: every finished run still has it in `runs.result`.

Revision ID: r0002
Revises: r0001
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "r0002"
down_revision: str | None = "r0001"
branch_labels: str | None = None
depends_on: str | None = None

DEAD_TABLES = ("summaries", "gates", "votes", "matches", "costs", "webhook_deliveries")
# Rollout columns the result already holds.
DEAD_ROLLOUT_COLUMNS = (
    "round",
    "index",
    "exit_status",
    "steps",
    "cost_usd",
    "input_tokens",
    "output_tokens",
    "wall_s",
    "trajectory_path",
    "candidate_id",
    "error",
)


def upgrade() -> None:
    for table in DEAD_TABLES:
        op.drop_table(table)
    # SQLite cannot drop columns in place everywhere: batch mode rebuilds the table.
    with op.batch_alter_table("rollouts") as batch:
        for name in DEAD_ROLLOUT_COLUMNS:
            batch.drop_column(name)
    op.create_index("ix_runs_status", "runs", ["status"])


def downgrade() -> None:
    raise NotImplementedError(
        "r0002 dropped tables whose rows cannot be rebuilt here (each finished run keeps them "
        "in runs.result); to go back to r0001, restore the database from a backup taken before "
        "the upgrade"
    )
