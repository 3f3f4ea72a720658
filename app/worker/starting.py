"""Starting and cancelling runs: one active run per issue, each step safe to repeat."""

from __future__ import annotations

from app.config import RepoConfig
from app.status.render import render_notice, render_status
from app.status.tracker import RunTracker
from app.store.errors import InvalidTransition
from app.store.records import NewRun, Run, RunTrigger
from app.trigger import RUN_JOB, LabelledIssue, Trigger, run_job_id
from app.worker.deps import WorkerDeps
from app.worker.issue import forget_edits
from app.worker.notices import notify_once
from app.worker.ports import RepoApi


async def start_run(
    deps: WorkerDeps,
    repo: RepoApi,
    trigger: Trigger,
    config: RepoConfig,
    kind: RunTrigger,
    *,
    parent: Run | None = None,
    feedback: str | None = None,
) -> str:
    """Create the run (or find the one this delivery made), post its status, queue its job.

    Policy: while a run is active on the issue, a new trigger is refused with one comment.
    """
    new = NewRun(
        repo=f"{repo.owner}/{repo.name}",
        installation_id=repo.installation_id,
        issue_number=trigger.number,
        trigger=kind,
        delivery_id=trigger.delivery,
        sender=trigger.sender,
        parent_run_id=parent.id if parent else None,
        feedback=feedback,
        config=config.model_dump(mode="json"),
    )
    creation = await deps.store.create_run(new)
    run = creation.run
    if creation.outcome == "busy":
        await notify_once(deps, repo, trigger, render_notice("busy", run_id=run.id))
        return "busy"
    if run.status != "queued":
        return "duplicate"
    tracker = RunTracker(budget_usd=config.budget.usd, run_url=deps.run_url(run.id))
    comment_id = await repo.upsert_status_comment(
        trigger.number, str(run.id), render_status(tracker), comment_id=run.status_comment_id
    )
    if comment_id != run.status_comment_id:
        await deps.store.set_status_comment(run.id, comment_id)
    labelled = None
    if kind == "label" and trigger.body is not None:
        labelled = LabelledIssue(title=trigger.title, body=trigger.body).model_dump()
        await forget_edits(deps.redis, new.repo, trigger.number)
    # The deterministic job id makes a retried handler enqueue nothing new.
    await deps.redis.enqueue_job(RUN_JOB, run.id, labelled, _job_id=run_job_id(run.id))
    return "started"


async def cancel_run(deps: WorkerDeps, repo: RepoApi, trigger: Trigger, reason: str) -> str:
    """Flag the issue's active run; a queued one is cancelled here, a running one by its job."""
    active = await deps.store.get_active_run(f"{repo.owner}/{repo.name}", trigger.number)
    if active is None:
        return "idle"
    await deps.signals.request_cancel(active.id, reason)
    if active.status == "queued":
        try:
            await deps.store.transition(active.id, "cancelled", error=reason)
        except InvalidTransition:
            return "cancelling"  # it started meanwhile; its job sees the flag
        deps.metrics.finished("cancelled")
        tracker = RunTracker(phase="cancelled", outcome=f"Cancelled: {reason}.")
        await repo.upsert_status_comment(
            trigger.number,
            str(active.id),
            render_status(tracker),
            comment_id=active.status_comment_id,
        )
    return "cancelling"
