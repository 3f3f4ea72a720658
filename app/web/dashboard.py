"""`Dashboard`: what the run pages, the JSON API and live updates are built from."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from redis.exceptions import RedisError

from app.ci.follow import CiFollow
from app.status.live import LiveProgress
from app.store.errors import RunNotFound
from app.store.records import Run
from app.web.auth.gate import Gatekeeper
from app.web.auth.viewer import Viewer
from app.web.runs import RunReader
from app.web.views.ci import RunCi, run_ci

log = logging.getLogger(__name__)


class LiveSource(Protocol):
    """Where a running run's progress is read from (the worker writes it)."""

    async def read(self, run_id: int) -> LiveProgress | None: ...


class CiSource(Protocol):
    """Where the CI record of a pull request is read from (the worker writes it)."""

    async def load(self, repo: str, pr: int) -> CiFollow | None: ...


class NoSuchRun(Exception):
    """A run that does not exist or that the viewer may not see (the two look the same)."""


@dataclass(frozen=True)
class Dashboard:
    reader: RunReader
    gate: Gatekeeper
    web_url: str
    """GitHub's web root, for links to issues and repositories."""
    runs_dir: Path
    """`{work_dir}/runs`: each run's folder holds its rollouts' trajectories."""
    poll_s: float = 1.0
    """How often a live page's event stream looks for changes."""
    stream_s: float = 300.0
    """An event stream ends after this long; the browser reconnects, and access is re-checked."""
    live: LiveSource | None = None
    """Progress of running runs; without it a live page follows only the run's status."""
    ci: CiSource | None = None
    """What the repository's CI said about the pull requests of finished runs."""
    clock: Callable[[], float] = time.time
    """Wall-clock seconds, as the worker counts the CI budget."""

    async def progress(self, run: Run) -> LiveProgress | None:
        if self.live is None or not run.active:
            return None
        return await self.live.read(run.id)

    async def ci_of(self, run: Run) -> RunCi | None:
        if self.ci is None or run.pr_number is None:
            return None
        try:
            record = await self.ci.load(run.repo, run.pr_number)
        except (RedisError, OSError):
            log.warning("run %s: CI record could not be read", run.id, exc_info=True)
            return RunCi(unreadable=True)
        return run_ci(run, record, self.clock())

    async def visible_run(self, viewer: Viewer, run_id: int) -> Run:
        try:
            run = await self.reader.get_run(run_id)
        except RunNotFound:
            raise NoSuchRun(run_id) from None
        if not viewer.can_see(run.repo):
            raise NoSuchRun(run_id)
        return run

    def trajectories(self, run_id: int) -> Path:
        return self.runs_dir / str(run_id) / "trajectories"
