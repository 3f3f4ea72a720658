"""The run and delivery a line of log belongs to, carried by the task that does the work."""

from __future__ import annotations

from contextvars import ContextVar

RUN_ID: ContextVar[str | None] = ContextVar("autofix_run_id", default=None)
DELIVERY_ID: ContextVar[str | None] = ContextVar("autofix_delivery_id", default=None)


def bind(*, run_id: object | None = None, delivery_id: str | None = None) -> None:
    """Tag every later log line of the current task (each arq job and request is its own)."""
    if run_id is not None:
        RUN_ID.set(str(run_id))
    if delivery_id is not None:
        DELIVERY_ID.set(delivery_id)


def current() -> dict[str, str | None]:
    return {"run_id": RUN_ID.get(), "delivery_id": DELIVERY_ID.get()}
