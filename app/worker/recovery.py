"""Crash recovery: runs left `running` by a dead worker are failed with a comment and reaped."""

from __future__ import annotations

import logging

from app.status.render import render_status
from app.status.tracker import RunTracker
from app.store.errors import InvalidTransition
from app.worker.deps import WorkerDeps

log = logging.getLogger(__name__)

# More running runs than this at once would be a fleet far beyond one sweep's 120 s anyway.
RECENT = 500
ADVICE = "Comment `/autofix retry` to start a new run."


async def recover_orphans(deps: WorkerDeps) -> list[int]:
    """Fail every running run whose heartbeat stopped; edit its status comment; reap it."""
    recovered: list[int] = []
    for run in await deps.store.list_runs(status="running", limit=RECENT):
        if await deps.signals.is_alive(run.id):
            continue  # another worker is still on it
        try:
            await deps.store.transition(run.id, "failed", error="the worker stopped mid-run")
        except InvalidTransition:
            continue  # it finished while we looked
        deps.metrics.finished("failed")
        recovered.append(run.id)
        await deps.reaper.reap(str(run.id))
        tracker = RunTracker(
            phase="failed",
            outcome="The worker running this stopped before it finished; nothing was proposed.",
            advice=[ADVICE],
            run_url=deps.run_url(run.id),
        )
        owner, name = run.repo.split("/", 1)
        try:
            repo = await deps.repo_for(owner, name, run.installation_id)
            await repo.upsert_status_comment(
                run.issue_number,
                str(run.id),
                render_status(tracker),
                comment_id=run.status_comment_id,
            )
        except Exception:  # recovery of other runs must go on
            log.exception("run %s: could not update its status comment", run.id)
    return recovered
