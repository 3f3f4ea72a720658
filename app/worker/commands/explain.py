"""`/autofix explain`: how the winner was chosen, or why nothing was proposed."""

from __future__ import annotations

from app.status.render import render_explain
from app.worker.commands.table import Call, command
from app.worker.notices import notify_once


@command("explain")
async def explain(call: Call) -> str:
    finished = await call.finished()
    if finished is None:
        return "ignored"
    _run, result = finished
    await notify_once(call.deps, call.repo, call.trigger, render_explain(result))
    return "explain"
