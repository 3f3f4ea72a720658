"""Spacing of content-creating requests, per installation, as GitHub asks of integrations."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import httpx
from githubkit.throttling import BaseThrottler

WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


def is_write(request: httpx.Request) -> bool:
    """Whether a request creates content; GraphQL posts count only when they carry a mutation."""
    if request.method not in WRITE_METHODS:
        return False
    if request.url.path.endswith("/graphql"):
        return b"mutation" in request.content
    return True


class WritePacer(BaseThrottler):
    """Starts writes at least `interval_s` apart and caps concurrent requests of one client."""

    def __init__(
        self,
        interval_s: float,
        *,
        max_concurrency: int = 10,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.interval_s = interval_s
        self.max_concurrency = max_concurrency
        self._clock = clock
        self._sleep = sleep
        self._next_write = float("-inf")
        self._async_lock: asyncio.Lock | None = None
        self._async_slots: asyncio.Semaphore | None = None
        self._thread_lock = threading.Lock()

    async def wait_for_write_slot(self) -> None:
        """Block until this installation may start its next write."""
        if self._async_lock is None:
            self._async_lock = asyncio.Lock()
        async with self._async_lock:
            delay = self._next_write - self._clock()
            if delay > 0:
                await self._sleep(delay)
            self._next_write = self._clock() + self.interval_s

    @asynccontextmanager
    async def async_acquire(self, request: httpx.Request) -> AsyncGenerator[None, Any]:
        if self._async_slots is None:
            self._async_slots = asyncio.Semaphore(self.max_concurrency)
        async with self._async_slots:
            if is_write(request):
                await self.wait_for_write_slot()
            yield

    @contextmanager
    def acquire(self, request: httpx.Request) -> Generator[None, Any, Any]:
        # autofix talks to GitHub asynchronously; the blocking path exists for completeness.
        if is_write(request):
            with self._thread_lock:
                delay = self._next_write - self._clock()
                if delay > 0:
                    time.sleep(delay)
                self._next_write = self._clock() + self.interval_s
        yield
