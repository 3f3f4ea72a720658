"""The fixed label values of the worker's metrics: anything else is counted as `other`."""

from __future__ import annotations

from collections.abc import Collection
from typing import get_args

from app.store.records import RunStatus
from scaling.rollout import ExitStatus

__all__ = [
    "EXIT_STATUSES",
    "GATE_VERDICTS",
    "HOLDOUT_RESULTS",
    "OTHER",
    "RUN_STATUSES",
    "SANDBOX_PURPOSES",
    "bounded",
]

OTHER = "other"


def bounded(value: str, known: Collection[str]) -> str:
    """`value` if it is one of `known`, else `other`."""
    return value if value in known else OTHER


RUN_STATUSES = frozenset(get_args(RunStatus)) | {"error"}
EXIT_STATUSES = frozenset(get_args(ExitStatus))
GATE_VERDICTS = frozenset({"passed", "failed", "flagged"})
HOLDOUT_RESULTS = frozenset({"passed", "failed"})
SANDBOX_PURPOSES = frozenset(
    {"rollout", "baseline", "candidate", "reproduction", "holdout", "cross", "setup"}
)
