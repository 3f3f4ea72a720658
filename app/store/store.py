"""`Store`: the run store's async API for the webhook service, the worker and the dashboard.

Reading (what the dashboard and `/autofix` commands use):
- `list_runs(repo=, repos=, status=, limit=, before=)`: runs newest first; page on by passing
  the last shown run's id as `before`.
- `get_run(id)`: one run's lifecycle and indexed columns (`Run`; raises `RunNotFound`).
- `get_result(id)`: the engine's full `RunResult` (rollouts, gates, holdouts, tournament,
  summaries, costs), or None while the run has not finished.
- `get_patch(id, rollout_id)`: any rollout's patch, for publishing a candidate.
- `get_active_run`, `latest_run`, `run_for_pull_request`: the run an event refers to.

Writing (the worker): `create_run`, `transition`, `set_status_comment`, `set_pull_request`,
`record_rollout` (as each rollout finishes) and `record_result` (once, at the end).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.github.models import PullRequestLink
from app.store import outcome, rollouts, runs
from app.store.engine import create_sql_engine
from app.store.errors import StoreError, WriteConflict
from app.store.records import NewRun, Run, RunCreation, RunStatus
from app.store.tables import RunRow
from scaling.result import RunResult
from scaling.rollout import Rollout

T = TypeVar("T")
# A unique-key race lost to a concurrent transaction is retried: the retry reads the winner.
_ATTEMPTS = 5


class Store:
    """Typed, transactional access to runs; blocking database work runs in worker threads."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str) -> Store:
        """Connect to a migrated database (call `app.store.migrate(url)` first)."""
        return cls(create_sql_engine(url))

    def close(self) -> None:
        self.engine.dispose()

    def _transaction(self, work: Callable[[Session], T]) -> T:
        for attempt in range(_ATTEMPTS):
            try:
                with self._sessions.begin() as session:
                    return work(session)
            except (IntegrityError, WriteConflict) as exc:
                if attempt == _ATTEMPTS - 1:
                    raise StoreError(
                        f"gave up after {_ATTEMPTS} conflicting writes: {exc}"
                    ) from exc
        raise AssertionError("unreachable")

    async def _run(self, work: Callable[[Session], T]) -> T:
        return await asyncio.to_thread(self._transaction, work)

    # Runs

    async def create_run(self, new: NewRun, *, supersede: bool = False) -> RunCreation:
        """Queue a run for an issue; idempotent per delivery, never two active runs per issue.

        With `supersede`, an active run of the issue becomes `superseded` in the same
        transaction (for `/autofix retry` and `refine`); otherwise the outcome is `busy`.
        """
        return await self._run(lambda s: runs.insert_run(s, new, supersede=supersede))

    async def get_run(self, run_id: int) -> Run:
        return await self._run(lambda s: runs.to_run(runs.run_row(s, run_id)))

    async def get_active_run(self, repo: str, issue_number: int) -> Run | None:
        return await self._run(lambda s: _maybe(runs.active_run(s, repo, issue_number)))

    async def latest_run(
        self, repo: str, issue_number: int, status: RunStatus | None = None
    ) -> Run | None:
        return await self._run(lambda s: _maybe(runs.latest_run(s, repo, issue_number, status)))

    async def run_for_pull_request(self, repo: str, pr_number: int) -> Run | None:
        return await self._run(lambda s: _maybe(runs.run_for_pull_request(s, repo, pr_number)))

    async def list_runs(
        self,
        *,
        repo: str | None = None,
        status: RunStatus | None = None,
        limit: int = 50,
        repos: Collection[str] | None = None,
        before: int | None = None,
    ) -> list[Run]:
        """Newest first, for the dashboard and crash recovery.

        `repos` limits the list to those repositories (an empty collection lists nothing);
        `before` pages on: only runs with a smaller id than the last one already shown.
        """
        rows = runs.listing(repo=repo, repos=repos, status=status, before=before, limit=limit)
        return await self._run(lambda s: [runs.to_run(row) for row in s.scalars(rows)])

    async def transition(
        self, run_id: int, to: RunStatus, *, error: str | None = None, winner: str | None = None
    ) -> Run:
        """Change a run's status; raises InvalidTransition when the lifecycle forbids it."""
        return await self._run(
            lambda s: runs.to_run(runs.change_status(s, run_id, to, error=error, winner=winner))
        )

    async def set_status_comment(self, run_id: int, comment_id: int) -> None:
        await self._set(run_id, status_comment_id=comment_id)

    async def set_pull_request(self, run_id: int, link: PullRequestLink) -> None:
        await self._run(lambda s: runs.link_pull_request(s, run_id, link))

    async def latest_pull_request(self, repo: str, branch: str) -> PullRequestLink | None:
        """The last push autofix recorded to `branch` (what the next publish leases on)."""
        return await self._run(lambda s: runs.latest_pull_request(s, repo, branch))

    async def _set(self, run_id: int, **values: Any) -> None:
        def work(session: Session) -> None:
            row = runs.run_row(session, run_id)
            for key, value in values.items():
                setattr(row, key, value)

        await self._run(work)

    # Engine results

    async def record_rollout(self, run_id: int, rollout: Rollout) -> None:
        """Keep a finished rollout's patch (the rest of it arrives with the run's result)."""
        await self._run(
            lambda s: rollouts.record_patch(s, run_id, rollout.rollout_id, rollout.patch)
        )

    async def record_result(self, run_id: int, result: RunResult) -> None:
        """Store a finished engine run whole; the run's status is changed by `transition`."""
        await self._run(lambda s: outcome.record_result(s, run_id, result))

    async def get_result(self, run_id: int) -> RunResult | None:
        """The run's `RunResult` as `record_result` stored it; None until the run finishes."""
        return await self._run(lambda s: outcome.load_result(s, run_id))

    async def get_patch(self, run_id: int, rollout_id: str) -> str | None:
        """A rollout's patch; None when the rollout never recorded one."""
        return await self._run(lambda s: rollouts.patch(s, run_id, rollout_id))


def _maybe(row: RunRow | None) -> Run | None:
    return None if row is None else runs.to_run(row)
