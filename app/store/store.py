"""`Store`: the run store's async API for the webhook service, the worker and the dashboard."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Mapping
from typing import Any, TypeVar

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.store import ledger, outcome, results, runs, views
from app.store.engine import create_sql_engine
from app.store.errors import StoreError, WriteConflict
from app.store.records import (
    Candidate,
    CostKind,
    GateRecord,
    MatchRecord,
    NewRun,
    PullRequestLink,
    Run,
    RunCreation,
    RunStatus,
    VoteRecord,
)
from app.store.tables import RunRow
from scaling.result import RunResult
from scaling.rollout import Rollout, Usage
from scaling.summary import RolloutSummary

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

    async def latest_resolved_run(self, repo: str, issue_number: int) -> Run | None:
        """The run whose candidates `/autofix pick` and `refine` work from."""
        return await self.latest_run(repo, issue_number, "resolved")

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
        query = select(RunRow).order_by(RunRow.id.desc()).limit(limit)
        if repo is not None:
            query = query.where(RunRow.repo == repo)
        if repos is not None:
            query = query.where(RunRow.repo.in_(sorted(repos)))
        if before is not None:
            query = query.where(RunRow.id < before)
        if status is not None:
            query = query.where(RunRow.status == status)
        return await self._run(lambda s: [runs.to_run(row) for row in s.scalars(query)])

    async def transition(
        self, run_id: int, to: RunStatus, *, error: str | None = None, winner: str | None = None
    ) -> Run:
        """Change a run's status; raises InvalidTransition when the lifecycle forbids it."""
        return await self._run(
            lambda s: runs.to_run(runs.change_status(s, run_id, to, error=error, winner=winner))
        )

    async def set_config(self, run_id: int, config: Mapping[str, Any]) -> None:
        await self._set(run_id, config=dict(config))

    async def set_status_comment(self, run_id: int, comment_id: int) -> None:
        await self._set(run_id, status_comment_id=comment_id)

    async def set_pull_request(self, run_id: int, link: PullRequestLink) -> None:
        await self._run(lambda s: runs.link_pull_request(s, run_id, link))

    async def _set(self, run_id: int, **values: Any) -> None:
        def work(session: Session) -> None:
            row = runs.run_row(session, run_id)
            for key, value in values.items():
                setattr(row, key, value)

        await self._run(work)

    # Money and audit

    async def add_cost(self, run_id: int, kind: CostKind, usage: Usage) -> None:
        await self._run(lambda s: ledger.add_cost(s, run_id, kind, usage))

    async def costs(self, run_id: int) -> dict[CostKind, Usage]:
        return await self._run(lambda s: ledger.costs(s, run_id))

    async def record_delivery(
        self, delivery_id: str, event: str, *, action: str | None = None, repo: str | None = None
    ) -> bool:
        """Log a webhook delivery; False if this delivery id was already logged."""
        return await self._run(
            lambda s: ledger.record_delivery(s, delivery_id, event, action, repo)
        )

    # Engine results

    async def record_rollout(self, run_id: int, rollout: Rollout) -> None:
        await self._run(lambda s: results.record_rollout(s, run_id, rollout))

    async def record_summary(
        self, run_id: int, rollout_id: str, summary: RolloutSummary, markdown: str
    ) -> None:
        await self._run(lambda s: results.record_summary(s, run_id, rollout_id, summary, markdown))

    async def record_gate(self, run_id: int, gate: GateRecord) -> None:
        await self._run(lambda s: results.record_gate(s, run_id, gate))

    async def record_holdout(self, run_id: int, rollout_id: str, passed: bool) -> None:
        await self._run(lambda s: results.record_holdout(s, run_id, rollout_id, passed))

    async def record_match(self, run_id: int, match: MatchRecord) -> None:
        await self._run(lambda s: results.record_match(s, run_id, match))

    async def record_vote(self, run_id: int, vote: VoteRecord) -> None:
        await self._run(lambda s: results.record_vote(s, run_id, vote))

    async def record_result(
        self, run_id: int, result: RunResult, render: outcome.Render | None = None
    ) -> None:
        """Store a finished engine run; `render` turns a summary into the markdown kept with it."""
        to_markdown = render or _approach
        await self._run(lambda s: outcome.record_result(s, run_id, result, to_markdown))

    async def get_result(self, run_id: int) -> RunResult | None:
        """The RunResult stored by `record_result`, for `/autofix explain` and the dashboard."""

        def work(session: Session) -> RunResult | None:
            data = runs.run_row(session, run_id).result
            return None if data is None else RunResult.model_validate(data)

        return await self._run(work)

    async def list_candidates(self, run_id: int) -> list[Candidate]:
        return await self._run(lambda s: views.candidates(s, run_id))

    async def get_patch(self, run_id: int, rollout_id: str) -> str:
        return await self._run(lambda s: views.patch(s, run_id, rollout_id))

    async def list_matches(self, run_id: int) -> list[MatchRecord]:
        return await self._run(lambda s: views.matches(s, run_id))

    async def list_votes(self, run_id: int) -> list[VoteRecord]:
        return await self._run(lambda s: views.votes(s, run_id))


def _approach(summary: RolloutSummary) -> str:
    return summary.approach


def _maybe(row: RunRow | None) -> Run | None:
    return None if row is None else runs.to_run(row)
