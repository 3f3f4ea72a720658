"""One-off comments (refusals, config errors, busy issues): at most one per delivery."""

from __future__ import annotations

from app.trigger import Trigger
from app.worker.deps import WorkerDeps
from app.worker.ports import RepoApi

NOTICE_TTL_S = 7 * 24 * 3600


async def notify_once(
    deps: WorkerDeps, repo: RepoApi, trigger: Trigger, body: str, *, topic: str = ""
) -> bool:
    """Comment on the trigger's issue unless this delivery already got its comment (one per
    `topic`: a delivery may warrant a note besides its answer)."""
    key = f"autofix:notice:{trigger.delivery}" + (f":{topic}" if topic else "")
    if not await deps.redis.set(key, "1", ex=NOTICE_TTL_S, nx=True):
        return False
    try:
        await repo.create_comment(trigger.number, body)
    except BaseException:
        # Let a retried job try again rather than leave the maintainer without an answer.
        await deps.redis.delete(key)
        raise
    return True
