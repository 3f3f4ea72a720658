"""The run store's schema as SQLAlchemy models; migrations must keep the database equal to it."""

from __future__ import annotations

from app.store.tables.base import ACTIVE_WHERE, Base, UTCDateTime, utcnow
from app.store.tables.rollouts import RolloutRow
from app.store.tables.runs import PullRequestRow, RunRow

__all__ = [
    "ACTIVE_WHERE",
    "Base",
    "PullRequestRow",
    "RolloutRow",
    "RunRow",
    "UTCDateTime",
    "utcnow",
]
