"""SandboxPool: sandboxes of one spec started ahead of demand, each handed out exactly once."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections import deque
from types import TracebackType

import docker

from sandbox.container import DockerSandbox
from sandbox.images import Environments
from sandbox.models import SandboxSpec
from sandbox.observer import SandboxObserver

POOL_LABEL = "autofix.pool"


class Lease:
    """`async with pool.sandbox() as sb`: a fresh started sandbox, removed on exit."""

    def __init__(self, pool: SandboxPool) -> None:
        self._pool = pool
        self._sandbox: DockerSandbox | None = None

    async def __aenter__(self) -> DockerSandbox:
        self._sandbox = await self._pool.acquire()
        return self._sandbox

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:  # fmt: skip
        if self._sandbox is not None:
            await self._sandbox.close()


class SandboxPool:
    """Keeps up to `size` started, never-used sandboxes of one spec; a taken one never returns.

    Refills run one start at a time and wait while callers start sandboxes themselves, so
    the pool only spends idle time. Pooled sandboxes live `max_idle_s` longer than the spec
    says and are dropped after idling that long: whoever takes one gets its full ttl_s.
    """

    def __init__(
        self,
        spec: SandboxSpec,
        client: docker.DockerClient | None = None,
        *,
        size: int = 4,
        environments: Environments | None = None,
        max_idle_s: float = 300.0,
        observer: SandboxObserver | None = None,
    ) -> None:
        self.id = secrets.token_hex(6)
        self.spec = spec
        self.size = size
        self.max_idle_s = max_idle_s
        self.warm_hits = 0
        """Sandboxes handed out ready from the pool."""
        self.cold_starts = 0
        """Sandboxes started on demand because the pool was empty."""
        self._client = client
        self._environments = environments
        self._observer = observer
        self._ready: deque[tuple[float, DockerSandbox]] = deque()
        self._direct = 0
        self._callers_idle = asyncio.Event()
        self._callers_idle.set()
        self._refill: asyncio.Task[None] | None = None
        self._closed = False

    @property
    def ready(self) -> int:
        """How many sandboxes wait in the pool now."""
        return len(self._ready)

    async def __aenter__(self) -> SandboxPool:
        self.fill()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:  # fmt: skip
        await self.close()

    def sandbox(self) -> Lease:
        """A sandbox for `async with`; the SandboxFactory shape the agent runner takes."""
        return Lease(self)

    def fill(self) -> None:
        """Start topping the pool up in the background (no-op while that already runs)."""
        if self._closed or (self._refill is not None and not self._refill.done()):
            return
        self._refill = asyncio.create_task(self._top_up(), name=f"sandbox-pool-{self.id}")

    async def wait_filled(self) -> None:
        """Wait until the pool holds `size` sandboxes (or its refill gave up)."""
        self.fill()
        if self._refill is not None:
            await asyncio.shield(self._refill)

    async def acquire(self) -> DockerSandbox:
        """A started sandbox nobody has used; the caller owns it and must close it."""
        if self._closed:
            raise RuntimeError("the sandbox pool is closed")
        try:
            while self._ready:
                born, sandbox = self._ready.popleft()
                if time.monotonic() - born <= self.max_idle_s:
                    self.warm_hits += 1
                    return sandbox
                await sandbox.close()  # idled too long: part of its lifetime is gone
            self.cold_starts += 1
            return await self._start(direct=True)
        finally:
            self.fill()

    async def close(self) -> None:
        """Stop refilling and remove every sandbox still waiting in the pool."""
        self._closed = True
        self._callers_idle.set()  # a refill waiting for callers wakes up and sees the close
        if self._refill is not None:
            # Not cancelled: a start cut short could leave a container nobody removes.
            await self._refill
        while self._ready:
            _, sandbox = self._ready.popleft()
            await sandbox.close()

    async def _top_up(self) -> None:
        while not self._closed and len(self._ready) < self.size:
            await self._callers_idle.wait()
            if self._closed:
                return
            try:
                sandbox = await self._start(direct=False)
            except Exception:
                return  # the next caller starts its own sandbox and sees the error itself
            if self._closed:
                await sandbox.close()
                return
            self._ready.append((time.monotonic(), sandbox))

    async def _start(self, *, direct: bool) -> DockerSandbox:
        labels = {**self.spec.labels, POOL_LABEL: self.id}
        ttl = self.spec.ttl_s + (0 if direct else int(self.max_idle_s))
        spec = self.spec.model_copy(update={"labels": labels, "ttl_s": ttl})
        sandbox = DockerSandbox(
            spec, self._client, environments=self._environments, observer=self._observer
        )
        if direct:
            self._direct += 1
            self._callers_idle.clear()
        try:
            await sandbox.__aenter__()
        finally:
            if direct:
                self._direct -= 1
                if not self._direct:
                    self._callers_idle.set()
        if self._client is None:
            self._client = sandbox.client  # connect once, share it with later starts
        return sandbox
