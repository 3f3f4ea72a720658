"""What the dashboard reads from the run store, and the row shape lists and the API share."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from app.store.records import Run, RunStatus
from scaling.result import RunResult

PAGE_SIZE = 50


class RunReader(Protocol):
    """The run store's read side, as far as the dashboard uses it."""

    async def list_runs(
        self,
        *,
        status: RunStatus | None = None,
        limit: int = 50,
        repos: Collection[str] | None = None,
        before: int | None = None,
    ) -> list[Run]: ...

    async def get_run(self, run_id: int) -> Run: ...

    async def get_result(self, run_id: int) -> RunResult | None: ...

    async def get_patch(self, run_id: int, rollout_id: str) -> str | None: ...


class RunSummary(BaseModel):
    """One run as `/api/runs` answers it and the runs page lists it."""

    model_config = ConfigDict(frozen=True)

    id: int
    repo: str
    issue: int
    status: str
    winner: str | None
    pr_url: str | None
    created_at: datetime
    cost_usd: float

    @classmethod
    def of(cls, run: Run) -> RunSummary:
        return cls(
            id=run.id,
            repo=run.repo,
            issue=run.issue_number,
            status=run.status,
            winner=run.winner_rollout_id,
            pr_url=run.pr_url,
            created_at=run.created_at,
            cost_usd=run.cost_usd,
        )


class RunPage(BaseModel):
    """One page of the runs list and the id the next (older) page starts below."""

    model_config = ConfigDict(frozen=True)

    runs: tuple[RunSummary, ...]
    older: int | None


async def list_page(
    reader: RunReader,
    repos: frozenset[str] | None,
    status: RunStatus | None,
    before: int | None,
    limit: int = PAGE_SIZE,
) -> RunPage:
    """Newest first; asks for one extra run to know whether an older page exists."""
    if repos is not None and not repos:
        return RunPage(runs=(), older=None)
    found = await reader.list_runs(status=status, limit=limit + 1, repos=repos, before=before)
    shown = found[:limit]
    older = shown[-1].id if len(found) > limit else None
    return RunPage(runs=tuple(RunSummary.of(run) for run in shown), older=older)
