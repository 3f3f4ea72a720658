"""The fixed label values of the worker's metrics: anything else is counted as `other`."""

from __future__ import annotations

from typing import get_args

from app.store.records import RunStatus
from scaling.rollout import ExitStatus

OTHER = "other"
RUN_STATUSES = frozenset(get_args(RunStatus)) | {"error"}
EXIT_STATUSES = frozenset(get_args(ExitStatus))
GATE_VERDICTS = frozenset({"passed", "failed", "flagged"})
HOLDOUT_RESULTS = frozenset({"passed", "failed"})
SANDBOX_PURPOSES = frozenset(
    {"rollout", "baseline", "candidate", "reproduction", "holdout", "cross", "setup"}
)


def bounded(value: str, known: frozenset[str]) -> str:
    """`value` when it is one of `known`, else `other`: no value from outside grows a series."""
    return value if value in known else OTHER
