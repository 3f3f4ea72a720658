"""Opens Docker sandboxes for one run: one repository, one base commit, one image."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

from app.environment import SetupOptions
from sandbox.container import DockerSandbox
from sandbox.models import DEFAULT_MAX_PATCH_BYTES, Limits, SandboxSpec
from sandbox.observer import SandboxObserver
from sandbox.pool import SandboxPool
from scaling.config import EngineConfig

REPORT_CAP_BYTES = 32 * 1024 * 1024


class DockerSandboxes:
    """A factory of fresh sandboxes, for rollouts and for test runs alike."""

    def __init__(
        self,
        repo: Path,
        commit: str,
        *,
        image: str,
        setup: Sequence[str] = (),
        holdout: Sequence[str] = (),
        run_id: str,
        client: Any = None,
        limits: Limits | None = None,
        command_timeout_s: float = 900.0,
        scope: str | None = None,
        max_patch_bytes: int = DEFAULT_MAX_PATCH_BYTES,
        options: SetupOptions | None = None,
        observer: SandboxObserver | None = None,
    ) -> None:
        self.repo = repo
        self.commit = commit
        self.image = image
        self.setup = tuple(setup)
        self.holdout = tuple(holdout)
        self.run_id = run_id
        self.client = client
        self.limits = limits or Limits()
        self.command_timeout_s = command_timeout_s
        # The worker labels a run's sandboxes with its scope, so cancelling reaps exactly them.
        self.scope = scope
        self.max_patch_bytes = max_patch_bytes
        self.options = options or SetupOptions()
        self.observer = observer
        """Hears every sandbox's start and lifetime (the worker's metrics)."""
        self.pool: SandboxPool | None = None
        """The rollout pool of the current (or last) `pooled()` block."""
        self._pooling = False
        self._unserved = 0

    def spec(self, purpose: str, hidden: Sequence[str]) -> SandboxSpec:
        options = self.options
        return SandboxSpec(
            repo=self.repo,
            commit=self.commit,
            image=self.image,
            setup=self.setup,
            setup_network=options.network,
            setup_secrets=options.secrets,
            toolchains=options.toolchains,
            dockerfile=options.dockerfile,
            allowed_bases=options.allowed_bases,
            identity=options.identity,
            hidden_paths=tuple(hidden),
            run_id=self.run_id,
            scope=self.scope,
            limits=self.limits,
            labels={"autofix.purpose": purpose},
            exec_timeout_s=self.command_timeout_s,
            max_patch_bytes=self.max_patch_bytes,
            # Test runs read their JUnit report back through command output; agents keep the
            # sandbox's default cap, which bounds what reaches the model.
            **({} if purpose == "rollout" else {"output_cap_bytes": REPORT_CAP_BYTES}),
        )

    def __call__(self, purpose: str, hidden: Sequence[str]) -> DockerSandbox:
        """A sandbox with `hidden` paths absent; enter it with `async with`."""
        return DockerSandbox(self.spec(purpose, hidden), client=self.client, observer=self.observer)

    def rollout(self, rollout_id: str) -> AbstractAsyncContextManager[DockerSandbox]:
        """A rollout's sandbox, never used before: holdout paths are never visible to an agent."""
        if self.pool is None or not self._pooling:
            return self("rollout", self.holdout)
        return self._leased(self.pool)

    @property
    def warm_hits(self) -> int:
        """Rollout sandboxes that came ready from the pool."""
        return self.pool.warm_hits if self.pool else 0

    @property
    def cold_starts(self) -> int:
        """Rollout sandboxes the pool had to start on demand."""
        return self.pool.cold_starts if self.pool else 0

    @asynccontextmanager
    async def pooled(self, config: EngineConfig) -> AsyncIterator[DockerSandboxes]:
        """Start rollout sandboxes ahead of each round while the block runs; on exit (also on
        cancellation or error) every sandbox still waiting is removed."""
        per_round = 1 if config.strategy == "single" else config.rollouts
        rounds = config.rounds if config.strategy == "rtv" else 1
        # Sandboxes for the next round are started during this round's rollouts and wait
        # through its checks and tournament, which take far less than the rollouts themselves.
        idle_s = 2 * config.estimates.rollout.wall_s
        spec = self.spec("rollout", self.holdout)
        pool = SandboxPool(
            spec, self.client, size=per_round, max_idle_s=idle_s, observer=self.observer
        )
        self.pool, self._pooling, self._unserved = pool, True, per_round * rounds
        async with pool:
            try:
                yield self
            finally:
                self._pooling = False  # lend no more, then the pool removes what waits

    @asynccontextmanager
    async def _leased(self, pool: SandboxPool) -> AsyncIterator[DockerSandbox]:
        self._unserved = max(self._unserved - 1, 0)
        # Stop refilling once no later rollout of the run would take what the pool starts.
        pool.size = min(pool.size, self._unserved)
        async with pool.sandbox() as sandbox:
            yield sandbox
