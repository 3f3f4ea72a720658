"""Database URLs and engines for the run store (SQLite file or PostgreSQL via psycopg 3)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url

SQLITE_BUSY_TIMEOUT_S = 30


def sqlite_url(path: Path) -> str:
    """The URL of a SQLite database file (the default store: `sqlite_url(Path("autofix.db"))`)."""
    return f"sqlite:///{path}"


def normalize_url(url: str) -> URL:
    """Accept `postgres://` and `postgresql://` and use the installed driver, psycopg 3."""
    parsed = make_url(url)
    if parsed.drivername in {"postgres", "postgresql"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in {"sqlite", "postgresql"}:
        raise ValueError(
            f"AUTOFIX_DATABASE_URL uses {parsed.get_backend_name()!r}; the run store supports "
            "sqlite:///PATH and postgresql://USER@HOST/DB"
        )
    return parsed


def create_sql_engine(url: str) -> Engine:
    """An engine whose transactions are safe to run from several threads at once."""
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database in {None, "", ":memory:"}:
            raise ValueError("the run store needs a SQLite file, not an in-memory database")
        Path(parsed.database or "").parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            parsed,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S},
        )
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(parsed, pool_pre_ping=True, connect_args={"connect_timeout": 10})


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN instead of the driver's deferred one.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA foreign_keys = ON")
        _enable_wal(cursor)
    finally:
        cursor.close()


def _enable_wal(cursor: Any) -> None:
    """Switch the file to WAL once; the mode is stored in the file, so later connections skip it.

    Changing the journal mode needs the database to itself, and SQLite answers "database is
    locked" at once (without its busy handler) while another connection holds a lock, which
    happens when several processes open a new store together. So retry until the timeout.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_S
    while True:
        try:
            if str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                # Answers the mode now in force; a file system without WAL keeps the old one.
                cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _sqlite_begin(connection: Any) -> None:
    # IMMEDIATE takes the write lock up front: read-then-write transactions in two threads
    # then queue behind each other instead of failing with "database is locked".
    connection.exec_driver_sql("BEGIN IMMEDIATE")
