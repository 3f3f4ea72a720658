"""Per-key asyncio locks, valid across event loops (each loop gets its own set)."""

from __future__ import annotations

import asyncio
import weakref


class KeyedLocks:
    """One asyncio.Lock per key and event loop, so concurrent builders of one thing queue up."""

    def __init__(self) -> None:
        self._by_loop: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, dict[str, asyncio.Lock]
        ] = weakref.WeakKeyDictionary()

    def __call__(self, key: str) -> asyncio.Lock:
        locks = self._by_loop.setdefault(asyncio.get_running_loop(), {})
        lock = locks.get(key)
        if lock is None:
            lock = locks[key] = asyncio.Lock()
        return lock
