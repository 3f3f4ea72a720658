"""What the run store refuses to do, and why."""

from __future__ import annotations


class StoreError(RuntimeError):
    """Base class for run store failures."""


class RunNotFound(StoreError):
    """No run has the given id."""

    def __init__(self, run_id: int) -> None:
        super().__init__(f"run {run_id} does not exist: check the id (runs are never deleted)")
        self.run_id = run_id


class InvalidTransition(StoreError):
    """A run status change that the lifecycle does not allow."""

    def __init__(self, run_id: int, current: str, requested: str, allowed: frozenset[str]) -> None:
        options = ", ".join(sorted(allowed)) or "nothing (it is finished)"
        super().__init__(
            f"run {run_id} is {current} and cannot become {requested}; from {current} it can "
            f"only become: {options}. Start a new run instead of reusing a finished one."
        )
        self.run_id = run_id
        self.current = current
        self.requested = requested


class WriteConflict(StoreError):
    """A concurrent transaction changed what this one read; the store retries it."""
