"""The run store: what autofix did for each issue, in SQLite or PostgreSQL."""

from __future__ import annotations

from app.store.engine import create_sql_engine, normalize_url, sqlite_url
from app.store.errors import InvalidTransition, RunNotFound, StoreError
from app.store.migrate import current_revision, head_revision, migrate
from app.store.records import (
    ACTIVE,
    TRANSITIONS,
    NewRun,
    Run,
    RunCreation,
    RunStatus,
    RunTrigger,
)
from app.store.store import Store

__all__ = [
    "ACTIVE",
    "TRANSITIONS",
    "InvalidTransition",
    "NewRun",
    "Run",
    "RunCreation",
    "RunNotFound",
    "RunStatus",
    "RunTrigger",
    "Store",
    "StoreError",
    "create_sql_engine",
    "current_revision",
    "head_revision",
    "migrate",
    "normalize_url",
    "sqlite_url",
]
