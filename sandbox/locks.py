"""Per-key asyncio locks, and host-wide file locks shared by every process on one machine."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import os
import weakref
from collections.abc import AsyncIterator
from pathlib import Path

from sandbox.client import blocking
from sandbox.errors import SandboxError

LOCK_DIR_ENV = "AUTOFIX_LOCK_DIR"
DEFAULT_LOCK_DIR = Path("/tmp/autofix-locks")
_MAX_POLL_S = 0.5


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


def default_lock_dir() -> Path:
    """Where host locks live: $AUTOFIX_LOCK_DIR, else /tmp/autofix-locks."""
    return Path(os.environ.get(LOCK_DIR_ENV) or DEFAULT_LOCK_DIR)


def _open(path: Path) -> int:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    except OSError as exc:
        raise SandboxError(
            f"cannot create the lock file {path} ({exc.strerror}); set {LOCK_DIR_ENV} to a "
            "directory every autofix worker on this host can write"
        ) from exc


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
            return False
        raise
    return True


@contextlib.asynccontextmanager
async def host_lock(directory: Path, name: str) -> AsyncIterator[None]:
    """Hold an exclusive flock on directory/name; other processes (and tasks) wait for it.

    The lock is polled without blocking rather than waited for in a thread: a cancelled
    waiter then leaves no thread behind that would take the lock later and keep it.
    """
    fd = await blocking(_open, directory / name)
    try:
        poll_s = 0.05
        while not _try_lock(fd):
            await asyncio.sleep(poll_s)
            poll_s = min(poll_s * 1.5, _MAX_POLL_S)
        yield
    finally:
        os.close(fd)  # closing the file releases the lock, also when the process dies
