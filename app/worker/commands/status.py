"""`/autofix status`: re-render the status comment of the last finished run."""

from __future__ import annotations

from app.trigger import REFRESH_JOB, status_job_id
from app.worker.commands.table import Call, command


@command("status")
async def status(call: Call) -> str:
    finished = await call.finished()
    if finished is None:
        return "ignored"
    run, _result = finished
    await call.deps.redis.enqueue_job(
        REFRESH_JOB, run.id, _job_id=status_job_id(call.trigger.delivery)
    )
    return "status"
