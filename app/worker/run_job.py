"""`run_issue`: one run from checkout to PR (or to a clear account of why not)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from app.config import RepoConfig
from app.github.branch import BranchMoved
from app.status.live import LiveBoard
from app.status.outcome import explain_outcome
from app.status.render import render_notice
from app.status.tracker import RunTracker
from app.store.errors import InvalidTransition
from app.store.records import Run, RunStatus
from app.telemetry.context import bind
from app.trigger import LabelledIssue
from app.worker.ci_look import follow_pr, waiting_note
from app.worker.deps import WorkerDeps, deps_of
from app.worker.issue import IssueEdited, outsider_editor, writers_issue
from app.worker.ports import RepoApi
from app.worker.publishing import publish_result
from app.worker.status_writer import StatusWriter

log = logging.getLogger(__name__)


async def run_issue(
    ctx: dict[str, Any], run_id: int, labelled: dict[str, Any] | None = None
) -> str:
    """Execute a queued run; a run in any other state was handled before (retry, redelivery).

    `labelled` is the issue's title and body from the signed event of a label run.
    """
    deps = deps_of(ctx)
    bind(run_id=run_id)
    run = await deps.store.get_run(run_id)
    bind(delivery_id=run.delivery_id)
    if run.status != "queued":
        return f"skipped ({run.status})"
    # The heartbeat starts before the run is `running`: the recovery sweep must never see a
    # running run without one while this worker lives.
    async with deps.signals.heartbeat(run_id):
        try:
            run = await deps.store.transition(run_id, "running")
        except InvalidTransition:
            return "skipped (raced)"
        log.info("run started", extra={"trigger": run.trigger})
        try:
            text = LabelledIssue.model_validate(labelled) if labelled else None
            outcome = await _guarded(deps, run, text)
            log.info("run ended", extra={"outcome": outcome})
            return outcome
        finally:
            with contextlib.suppress(Exception):
                await deps.reaper.reap(str(run.id))


async def _guarded(deps: WorkerDeps, run: Run, labelled: LabelledIssue | None) -> str:
    """The run behind its status comment; any failure becomes a failed run that says so."""
    owner, name = run.repo.split("/", 1)
    repo = await deps.repo_for(owner, name, run.installation_id)
    config = RepoConfig.model_validate(run.config or {})
    tracker = RunTracker(
        budget_usd=config.budget.usd, phase="running", run_url=deps.run_url(run.id)
    )

    live = LiveBoard(deps.redis)

    async def upsert(body: str) -> None:
        try:
            await live.publish(run.id, tracker)
        except Exception:  # the dashboard's live view must never hold up the status comment
            log.warning("run %s: live progress not published", run.id, exc_info=True)
        await repo.upsert_status_comment(
            run.issue_number, str(run.id), body, comment_id=run.status_comment_id
        )

    async with StatusWriter(tracker, upsert, deps.status_interval_s) as writer:
        try:
            return await _execute(deps, repo, run, config, tracker, writer, labelled)
        except Exception as exc:
            log.exception("run %s failed", run.id)
            tracker.phase = "failed"
            tracker.outcome = f"The run failed: {exc}"
            tracker.advice = ["Comment `/autofix retry` to start again."]
            tracker.touch()
            await writer.flush()
            await _finish(deps, run.id, "failed", error=str(exc))
            return "failed"


async def _execute(
    deps: WorkerDeps,
    repo: RepoApi,
    run: Run,
    config: RepoConfig,
    tracker: RunTracker,
    writer: StatusWriter,
    labelled: LabelledIssue | None,
) -> str:
    editor = None
    if labelled is None:
        editor = await outsider_editor(deps.redis, run.repo, run.issue_number)
    if editor is not None:
        refusal = IssueEdited(run.issue_number, editor, config.label)
        tracker.phase, tracker.outcome, tracker.advice = "failed", str(refusal), []
        tracker.touch()
        await writer.flush()
        await _finish(deps, run.id, "failed", error=str(refusal))
        return "refused_edit"
    issue = await writers_issue(repo, run.issue_number, labelled)
    work = asyncio.create_task(deps.executor.execute(run, config, repo, issue, tracker))
    async with deps.signals.watch(run.id, work) as cancelled:
        try:
            result = await work
        except asyncio.CancelledError:
            if not cancelled.done():
                raise
            tracker.phase = "cancelled"
            tracker.outcome = f"Cancelled: {cancelled.result()}. No pull request was opened."
            tracker.touch()
            # A terminal state in the store means everything is done: sandboxes gone, the
            # status comment final. (run_issue reaps again at the end; reaping is idempotent.)
            with contextlib.suppress(Exception):
                await deps.reaper.reap(str(run.id))
            await writer.flush()
            await _finish(deps, run.id, "cancelled", error=cancelled.result())
            return "cancelled"
    await deps.store.record_result(run.id, result)
    deps.metrics.observe(result)
    tracker.spend_usd = result.cost_usd
    if result.status == "resolved" and result.winner is not None and result.patch:
        tracker.phase = "publishing"
        tracker.touch()
        await writer.flush()
        try:
            # In gate mode the pull request stays a draft while CI runs.
            draft = config.pr.draft or config.ci.mode == "gate"
            link = await publish_result(deps, repo, run, result, result.patch, draft)
        except BranchMoved as exc:
            tracker.phase, tracker.outcome = "done", f"No pull request was updated. {exc}"
            tracker.touch()
            await writer.flush()
            # An edited status comment notifies nobody; whoever pushed should hear of it.
            try:
                await repo.create_comment(run.issue_number, render_notice("idle", what=str(exc)))
            except Exception:
                log.warning("run %s: could not comment on the moved branch", run.id, exc_info=True)
            await _finish(deps, run.id, "unresolved", error=str(exc))
            return "branch_moved"
        tracker.pr_url = link.url
        tracker.outcome = f"Proposed `{result.winner.rollout_id}` in {link.url}."
        if config.ci.mode != "off":
            tracker.ci = waiting_note(config, link)
        tracker.phase = "done"
        tracker.touch()
        await writer.flush()
        await _finish(deps, run.id, "resolved", winner=result.winner.rollout_id)
        # Only a finished run may start the next one (one active run per issue): CI is
        # followed by short look jobs from here on, holding no worker slot while it runs.
        try:
            await follow_pr(deps, repo, run, config, tracker, link)
        except Exception:  # the pull request stands whatever happens to its CI
            log.exception("run %s: its CI could not be followed", run.id)
        return "resolved"
    why, advice = explain_outcome(result)
    tracker.phase = "failed" if result.status == "error" else "done"
    tracker.outcome, tracker.advice = f"No pull request was opened. {why}", advice
    tracker.touch()
    await writer.flush()
    await _finish(deps, run.id, "failed" if result.status == "error" else "unresolved")
    return result.status


async def _finish(
    deps: WorkerDeps,
    run_id: int,
    status: RunStatus,
    *,
    error: str | None = None,
    winner: str | None = None,
) -> None:
    try:
        await deps.store.transition(run_id, status, error=error, winner=winner)
    except InvalidTransition:
        log.warning("run %s was already finished elsewhere", run_id)
        return
    deps.metrics.finished(status)
