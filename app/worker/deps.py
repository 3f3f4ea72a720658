"""What jobs need, built once in the worker's `on_startup` and found in arq's `ctx`."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from arq.connections import ArqRedis

from app.config import RepoConfig
from app.config.policy import OperatorPolicy
from app.status.links import run_page_url
from app.status.tracker import RunTracker
from app.store.records import Run
from app.telemetry.run_metrics import RunMetrics
from app.worker.ports import RepoApi
from app.worker.signals import RunSignals
from app.worker.store_port import RunStorePort
from scaling.issue import Issue
from scaling.result import RunResult

RepoFactory = Callable[[str, str, int | None], Awaitable[RepoApi]]


class Executor(Protocol):
    """Runs the engine for one run: checkout, sandboxes, LLM; emits events into `tracker`."""

    async def execute(
        self, run: Run, config: RepoConfig, repo: RepoApi, issue: Issue, tracker: RunTracker
    ) -> RunResult: ...


class SandboxJanitor(Protocol):
    """Cleans up sandboxes: one run's, whatever any run left behind, and unused images."""

    async def reap(self, run_id: str) -> int: ...

    async def sweep(self) -> int:
        """Remove what any run left behind that can no longer be in use; return the count."""
        ...

    async def prune_images(self) -> int: ...


@dataclass
class WorkerDeps:
    """The worker's collaborators; jobs read them from `ctx["deps"]`."""

    redis: ArqRedis
    store: RunStorePort
    repo_for: RepoFactory
    executor: Executor
    reaper: SandboxJanitor
    status_interval_s: float = 3.0
    policy: OperatorPolicy = field(default_factory=OperatorPolicy)
    """The operator's limits on repository config (the safe defaults unless configured)."""
    metrics: RunMetrics = field(default_factory=RunMetrics)
    """What finished runs add to the worker's Prometheus metrics."""
    public_url: str | None = None
    """Where the dashboard is reached (`AUTOFIX_PUBLIC_URL`); comments and PRs link to it."""

    github_app_id: int = 0
    """autofix's own App id: its check runs never count as the repository's CI."""
    ci_poll_s: float = 15.0
    """How often the checks on autofix's head are read when no webhook says they changed."""
    ci_look_gap_s: float = 15.0
    """The least time between two looks at one head woken by CI events: events that come
    sooner share one later look (another app can send them without end)."""
    ci_clock: Callable[[], float] = time.time
    """The clock CI waits (`ci.appear_s`, `ci.timeout_s`) are measured on; looks may run on
    any worker, so it is the wall clock."""

    def run_url(self, run_id: int) -> str | None:
        """The run's page on the dashboard, when the deployment has a public address."""
        return run_page_url(self.public_url, run_id)

    @property
    def signals(self) -> RunSignals:
        return RunSignals(self.redis)


def deps_of(ctx: dict[str, Any]) -> WorkerDeps:
    deps = ctx["deps"]
    assert isinstance(deps, WorkerDeps)
    return deps
