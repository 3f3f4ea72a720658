"""The `/autofix <command>` handlers (help is answered before these run)."""

from __future__ import annotations

from app.commands import Command
from app.config import RepoConfig
from app.status.render import render_candidates, render_explain, render_notice
from app.store.records import Run
from app.worker.deps import WorkerDeps
from app.worker.notices import notify_once
from app.worker.ports import RepoApi
from app.worker.publishing import publish_candidate
from app.worker.refine_feedback import refine_feedback
from app.worker.starting import cancel_run, start_run
from app.worker.trigger import Trigger


async def _subject(deps: WorkerDeps, repo: RepoApi, trigger: Trigger) -> Run | None:
    """The run a command refers to: by PR for comments on autofix's PR, else the issue's latest."""
    full = f"{repo.owner}/{repo.name}"
    if trigger.on_pull_request:
        return await deps.store.run_for_pull_request(full, trigger.number)
    return await deps.store.latest_run(full, trigger.number)


async def run_command(
    deps: WorkerDeps, repo: RepoApi, trigger: Trigger, config: RepoConfig, command: Command
) -> str:
    """Carry out one command from a writer; answers in a comment when there is nothing to do."""
    run = await _subject(deps, repo, trigger)
    issue_trigger = trigger.model_copy(update={"number": run.issue_number}) if run else trigger
    if trigger.on_pull_request and run is None:
        await _say(deps, repo, trigger, "This pull request was not opened by autofix.")
        return "ignored"
    if command.name == "retry":
        return await start_run(deps, repo, issue_trigger, config, "retry", parent=run)
    if command.name == "refine":
        if run is None or run.pr_number is None:
            await _say(deps, repo, trigger, "There is no autofix pull request to refine yet.")
            return "ignored"
        feedback = await refine_feedback(repo, run.pr_number, command.argument, trigger.sender)
        return await start_run(
            deps, repo, issue_trigger, config, "refine", parent=run, feedback=feedback
        )
    if command.name == "cancel":
        outcome = await cancel_run(deps, repo, issue_trigger, f"cancelled by @{trigger.sender}")
        if outcome == "idle":
            await _say(deps, repo, trigger, "Nothing is running for this issue.")
        return outcome
    result = await deps.store.get_result(run.id) if run else None
    if run is None or result is None:
        await _say(deps, repo, trigger, "No finished autofix run for this issue yet.")
        return "ignored"
    if command.name == "candidates":
        await notify_once(deps, repo, trigger, render_candidates(result))
        return "candidates"
    if command.name == "explain":
        await notify_once(deps, repo, trigger, render_explain(result))
        return "explain"
    if command.name == "status":
        await deps.redis.enqueue_job("refresh_status", run.id, _job_id=f"status:{trigger.delivery}")
        return "status"
    if command.name == "pick" and command.number is not None:
        return await publish_candidate(deps, repo, trigger, run, result, command.number, config)
    return "ignored"


async def _say(deps: WorkerDeps, repo: RepoApi, trigger: Trigger, what: str) -> None:
    await notify_once(deps, repo, trigger, render_notice("idle", what=what))
