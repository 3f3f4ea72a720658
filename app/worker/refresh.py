"""`/autofix status` on a finished run: re-render its status comment from the stored result."""

from __future__ import annotations

from typing import Any

from app.ci.follow import SLOT
from app.github.publish import branch_of
from app.status.outcome import explain_outcome
from app.status.render import render_status
from app.status.tracker import RunTracker
from app.store.records import Run
from app.worker.ci_follow import CiFollows
from app.worker.deps import WorkerDeps, deps_of


async def refresh_status(ctx: dict[str, Any], run_id: int) -> str:
    """Rewrite the status comment of a finished run; a running run keeps its live one."""
    deps = deps_of(ctx)
    run = await deps.store.get_run(run_id)
    if run.active:
        return "live"
    result = await deps.store.get_result(run_id)
    tracker = RunTracker(phase="done", pr_url=run.pr_url, run_url=deps.run_url(run.id))
    if run.status in ("failed", "cancelled", "superseded"):
        tracker.phase = "cancelled" if run.status == "cancelled" else "failed"
        tracker.outcome = f"This run {run.status}: {run.error or 'no details recorded'}."
    if result is not None:
        tracker.spend_usd = result.cost_usd
        if not run.pr_url:
            tracker.outcome, tracker.advice = explain_outcome(result)
    owner, name = run.repo.split("/", 1)
    repo = await deps.repo_for(owner, name, run.installation_id)
    body = await _followed(deps, run) or render_status(tracker)
    await repo.upsert_status_comment(
        run.issue_number, str(run.id), body, comment_id=run.status_comment_id
    )
    return "refreshed"


async def _followed(deps: WorkerDeps, run: Run) -> str | None:
    """The comment as CI looks last showed it, when they follow this run's pull request."""
    link = await deps.store.latest_pull_request(run.repo, branch_of(run.issue_number))
    if link is None:
        return None
    state = await CiFollows(deps.redis).load(run.repo, link.number)
    if state is None or state.run_id != run.id or not state.section:
        return None
    return state.comment.replace(SLOT, state.section)
