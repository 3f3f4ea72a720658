"""`/autofix help`: the command reference, led by what was wrong with a command, if anything."""

from __future__ import annotations

from app.status.render import render_help
from app.worker.commands.table import Call, command
from app.worker.notices import notify_once


@command("help", about_a_run=False)
async def show_help(call: Call) -> str:
    body = render_help(call.command.problem, call.config.label)
    await notify_once(call.deps, call.repo, call.trigger, body)
    return "help"
