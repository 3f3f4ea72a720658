"""Run lifecycle queries; each function runs inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from app.github.models import PullRequestLink
from app.store.errors import InvalidTransition, RunNotFound, WriteConflict
from app.store.records import (
    ACTIVE,
    TRANSITIONS,
    NewRun,
    Run,
    RunCreation,
    RunStatus,
)
from app.store.tables import PullRequestRow, RunRow, utcnow


def to_run(row: RunRow) -> Run:
    return Run.model_validate(row, from_attributes=True)


def run_row(session: Session, run_id: int) -> RunRow:
    row = session.get(RunRow, run_id)
    if row is None:
        raise RunNotFound(run_id)
    return row


def find_delivery_run(session: Session, new: NewRun) -> RunRow | None:
    return session.scalar(
        select(RunRow).where(
            RunRow.repo == new.repo,
            RunRow.issue_number == new.issue_number,
            RunRow.delivery_id == new.delivery_id,
        )
    )


def active_run(
    session: Session, repo: str, issue_number: int, *, lock: bool = False
) -> RunRow | None:
    query = select(RunRow).where(
        RunRow.repo == repo, RunRow.issue_number == issue_number, RunRow.status.in_(ACTIVE)
    )
    return session.scalar(query.with_for_update() if lock else query)


def lock_issue(session: Session, repo: str, issue_number: int) -> None:
    """Queue run creations for one issue behind each other until this transaction ends.

    SQLite needs nothing: its transactions already take the write lock up front.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(func.hashtext(repo), issue_number)))


def insert_run(session: Session, new: NewRun, *, supersede: bool) -> RunCreation:
    """Create a run unless the delivery already made one or another run is active.

    The partial unique index on active runs is the real guard: if a concurrent transaction
    wins the race, the flush below raises IntegrityError and the caller retries.
    """
    lock_issue(session, new.repo, new.issue_number)
    earlier = find_delivery_run(session, new)
    if earlier is not None:
        return RunCreation(outcome="duplicate", run=to_run(earlier))
    busy = active_run(session, new.repo, new.issue_number, lock=supersede)
    # PostgreSQL reads each statement afresh: the delivery may have committed in between.
    if busy is not None and busy.delivery_id == new.delivery_id:
        return RunCreation(outcome="duplicate", run=to_run(busy))
    superseded: Run | None = None
    if busy is not None:
        if not supersede:
            return RunCreation(outcome="busy", run=to_run(busy))
        try:
            superseded = to_run(change_status(session, busy.id, "superseded"))
        except InvalidTransition as exc:
            raise WriteConflict(f"run {busy.id} finished while being superseded") from exc
    row = RunRow(
        **new.model_dump(),
        status="queued",
        cost_usd=0.0,
        input_tokens=0,
        output_tokens=0,
    )
    session.add(row)
    session.flush()
    return RunCreation(outcome="created", run=to_run(row), superseded=superseded)


def change_status(
    session: Session,
    run_id: int,
    to: RunStatus,
    *,
    error: str | None = None,
    winner: str | None = None,
) -> RunRow:
    """Move a run along its lifecycle; a compare-and-set, so racing updates cannot both win."""
    allowed_from = [status for status, nexts in TRANSITIONS.items() if to in nexts]
    now = utcnow()
    values: dict[str, Any] = {"status": to, "updated_at": now}
    if to == "running":
        values["started_at"] = now
    elif to not in ACTIVE:
        values["finished_at"] = now
    if error is not None:
        values["error"] = error
    if winner is not None:
        values["winner_rollout_id"] = winner
    changed = session.execute(
        update(RunRow)
        .where(RunRow.id == run_id, RunRow.status.in_(allowed_from))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    row = run_row(session, run_id)
    session.refresh(row)
    if getattr(changed, "rowcount", 0) != 1:
        current: RunStatus = row.status  # type: ignore[assignment]
        raise InvalidTransition(run_id, current, to, TRANSITIONS[current])
    return row


def link_pull_request(session: Session, run_id: int, link: PullRequestLink) -> RunRow:
    row = run_row(session, run_id)
    row.pr_number, row.pr_url = link.number, link.url
    row.branch, row.head_sha = link.branch, link.head_sha
    session.add(
        PullRequestRow(
            run_id=run_id,
            repo=row.repo,
            pr_number=link.number,
            pr_url=link.url,
            branch=link.branch,
            head_sha=link.head_sha,
            rollout_id=link.rollout_id,
        )
    )
    return row


def latest_pull_request(session: Session, repo: str, branch: str) -> PullRequestLink | None:
    """The last push autofix recorded to `branch` of `repo`."""
    row = session.scalar(
        select(PullRequestRow)
        .where(PullRequestRow.repo == repo, PullRequestRow.branch == branch)
        .order_by(PullRequestRow.id.desc())
        .limit(1)
    )
    if row is None:
        return None
    return PullRequestLink(
        number=row.pr_number,
        url=row.pr_url,
        branch=row.branch,
        head_sha=row.head_sha,
        rollout_id=row.rollout_id,
    )


def run_for_pull_request(session: Session, repo: str, pr_number: int) -> RunRow | None:
    """The latest run that pushed to this PR (comments on the bot's PRs name only the PR)."""
    run_id = session.scalar(
        select(PullRequestRow.run_id)
        .where(PullRequestRow.repo == repo, PullRequestRow.pr_number == pr_number)
        .order_by(PullRequestRow.id.desc())
        .limit(1)
    )
    return None if run_id is None else session.get(RunRow, run_id)


def latest_run(
    session: Session, repo: str, issue_number: int, status: RunStatus | None = None
) -> RunRow | None:
    query = select(RunRow).where(RunRow.repo == repo, RunRow.issue_number == issue_number)
    if status is not None:
        query = query.where(RunRow.status == status)
    return session.scalar(query.order_by(RunRow.id.desc()).limit(1))


def listing(
    *,
    repo: str | None,
    repos: Collection[str] | None,
    status: RunStatus | None,
    before: int | None,
    limit: int,
) -> Select[RunRow]:
    """Runs newest first, filtered; `before` is the last id of the previous page."""
    query = select(RunRow).order_by(RunRow.id.desc()).limit(limit)
    if repo is not None:
        query = query.where(RunRow.repo == repo)
    if repos is not None:
        query = query.where(RunRow.repo.in_(sorted(repos)))
    if before is not None:
        query = query.where(RunRow.id < before)
    if status is not None:
        query = query.where(RunRow.status == status)
    return query
