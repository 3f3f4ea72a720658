"""Keeps a run's one status comment current, editing it at most once per interval."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from app.status.render import render_status
from app.status.tracker import RunTracker

log = logging.getLogger(__name__)

Upsert = Callable[[str], Awaitable[None]]


class StatusWriter:
    """Renders the tracker and upserts the comment when it changed; failures never stop a run."""

    def __init__(self, tracker: RunTracker, upsert: Upsert, interval_s: float = 3.0) -> None:
        self.tracker = tracker
        self.upsert = upsert
        self.interval_s = interval_s
        self._written = -1
        self._last_body = ""
        self._task: asyncio.Task[None] | None = None

    async def flush(self) -> None:
        """Write now if anything changed since the last write."""
        if self.tracker.version == self._written:
            return
        version = self.tracker.version
        body = render_status(self.tracker)
        if body != self._last_body:
            try:
                await self.upsert(body)
            except Exception:  # a failed status edit is retried on the next change
                log.exception("status comment update failed")
                return
            self._last_body = body
        self._written = version

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.interval_s)
            await self.flush()

    async def __aenter__(self) -> StatusWriter:
        await self.flush()
        self._task = asyncio.create_task(self._loop())
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await asyncio.shield(self.flush())
