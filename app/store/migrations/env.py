"""Alembic environment: runs on the connection `app.store.migrate` hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from app.store.tables import Base

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("run migrations through app.store.migrate(url), not the alembic CLI")
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things; batch mode rebuilds tables instead.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
