"""`/autofix status` on a finished run: re-render its status comment from the stored result."""

from __future__ import annotations

from typing import Any

from app.status.outcome import explain_outcome
from app.status.render import render_status
from app.status.tracker import RunTracker
from app.worker.deps import deps_of


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
    await repo.upsert_status_comment(
        run.issue_number, str(run.id), render_status(tracker), comment_id=run.status_comment_id
    )
    return "refreshed"
