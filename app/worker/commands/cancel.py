"""`/autofix cancel`: stop the issue's running run and remove its containers."""

from __future__ import annotations

from app.worker.commands.table import Call, command
from app.worker.starting import cancel_run


@command("cancel")
async def cancel(call: Call) -> str:
    reason = f"cancelled by @{call.trigger.sender}"
    outcome = await cancel_run(call.deps, call.repo, call.issue_trigger, reason)
    if outcome == "idle":
        await call.say("Nothing is running for this issue.")
    return outcome
