"""`Dashboard`: what the run pages, the JSON API and live updates are built from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from app.status.live import LiveProgress
from app.store.errors import RunNotFound
from app.store.records import Run
from app.web.auth.gate import Gatekeeper
from app.web.auth.viewer import Viewer
from app.web.runs import RunReader


class LiveSource(Protocol):
    """Where a running run's progress is read from (the worker writes it)."""

    async def read(self, run_id: int) -> LiveProgress | None: ...


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

    async def progress(self, run: Run) -> LiveProgress | None:
        if self.live is None or not run.active:
            return None
        return await self.live.read(run.id)

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
