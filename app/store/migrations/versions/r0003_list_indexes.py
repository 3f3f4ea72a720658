"""Indexes the dashboard's run lists walk: newest first within a repository or a status.

The runs page filters by repositories and by status and orders by id; with `(repo, id)` and
`(status, id)` each page reads only the rows it shows, however many runs the store holds.
`(status, id)` also serves every lookup `ix_runs_status` served.

Revision ID: r0003
Revises: r0002
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "r0003"
down_revision: str | None = "r0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_index("ix_runs_repo_id", "runs", ["repo", "id"])
    op.create_index("ix_runs_status_id", "runs", ["status", "id"])
    op.drop_index("ix_runs_status", table_name="runs")


def downgrade() -> None:
    op.create_index("ix_runs_status", "runs", ["status"])
    op.drop_index("ix_runs_status_id", table_name="runs")
    op.drop_index("ix_runs_repo_id", table_name="runs")
