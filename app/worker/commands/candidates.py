"""`/autofix candidates`: the candidates of the last finished run."""

from __future__ import annotations

from app.status.render import render_candidates
from app.worker.commands.table import Call, command
from app.worker.notices import notify_once


@command("candidates")
async def candidates(call: Call) -> str:
    finished = await call.finished()
    if finished is None:
        return "ignored"
    _run, result = finished
    await notify_once(call.deps, call.repo, call.trigger, render_candidates(result))
    return "candidates"
