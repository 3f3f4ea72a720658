"""Bring a database's schema up to date with Alembic, configured in code (no alembic.ini)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from app.store.engine import create_sql_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Serialises concurrent `migrate` calls (webhook service and workers starting together).
_PG_LOCK_KEY = 0x6175746F666978  # "autofix"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the store's migrations, optionally bound to a connection."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS}")
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migrate(url: str | Engine) -> str:
    """Apply every pending migration (safe to call on each start, from several processes)."""
    engine = create_sql_engine(url) if isinstance(url, str) else url
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_LOCK_KEY})")
            command.upgrade(alembic_config(connection), "head")
        return current_revision(engine) or ""
    finally:
        if isinstance(url, str):
            engine.dispose()
