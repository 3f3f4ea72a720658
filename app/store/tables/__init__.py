"""The run store's schema as SQLAlchemy models; migrations must keep the database equal to it."""

from __future__ import annotations

from app.store.tables.base import ACTIVE_WHERE, Base, UTCDateTime, utcnow
from app.store.tables.results import GateRow, MatchRow, RolloutRow, SummaryRow, VoteRow
from app.store.tables.runs import CostRow, DeliveryRow, PullRequestRow, RunRow

__all__ = [
    "ACTIVE_WHERE",
    "Base",
    "CostRow",
    "DeliveryRow",
    "GateRow",
    "MatchRow",
    "PullRequestRow",
    "RolloutRow",
    "RunRow",
    "SummaryRow",
    "UTCDateTime",
    "VoteRow",
    "utcnow",
]
