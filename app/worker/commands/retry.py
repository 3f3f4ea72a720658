"""`/autofix retry`: a fresh run for the issue."""

from __future__ import annotations

from app.worker.commands.table import Call, command
from app.worker.starting import start_run


@command("retry")
async def retry(call: Call) -> str:
    return await start_run(
        call.deps, call.repo, call.issue_trigger, call.config, "retry", parent=call.run
    )
