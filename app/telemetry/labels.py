"""The fixed label values of the worker's metrics: anything else is counted as `other`."""

from __future__ import annotations

from typing import get_args

from app.store.records import RunStatus
from app.web.metric_labels import OTHER, bounded
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

RUN_STATUSES = frozenset(get_args(RunStatus)) | {"error"}
EXIT_STATUSES = frozenset(get_args(ExitStatus))
GATE_VERDICTS = frozenset({"passed", "failed", "flagged"})
HOLDOUT_RESULTS = frozenset({"passed", "failed"})
SANDBOX_PURPOSES = frozenset(
    {"rollout", "baseline", "candidate", "reproduction", "holdout", "cross", "setup"}
)
