"""The `/autofix <command>` handlers: one module per command, each registering itself."""

from __future__ import annotations

from app.command_line import CommandLine
from app.config import RepoConfig
from app.trigger import Trigger
from app.worker.commands import (  # noqa: F401  (importing a command registers it)
    cancel,
    candidates,
    explain,
    help,
    pick,
    refine,
    retry,
    status,
)
from app.worker.commands.table import COMMANDS, Call, Command, parse
from app.worker.deps import WorkerDeps
from app.worker.ports import RepoApi

__all__ = ["COMMANDS", "Command", "parse", "run_command"]


async def run_command(
    deps: WorkerDeps, repo: RepoApi, trigger: Trigger, config: RepoConfig, line: CommandLine
) -> str:
    """Carry out one command from a writer; answers in a comment when there is nothing to do."""
    command = parse(line)
    spec = COMMANDS[command.name]
    call = Call(deps, repo, trigger, config, command)
    if spec.about_a_run:
        full = f"{repo.owner}/{repo.name}"
        if trigger.on_pull_request:
            call.run = await deps.store.run_for_pull_request(full, trigger.number)
            if call.run is None:
                await call.say("This pull request was not opened by autofix.")
                return "ignored"
        else:
            call.run = await deps.store.latest_run(full, trigger.number)
    return await spec.handler(call)
