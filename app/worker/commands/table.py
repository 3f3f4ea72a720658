"""The table of `/autofix` commands; each command's module registers itself here."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from app.command_line import CommandLine
from app.config import RepoConfig
from app.status.render import render_notice
from app.store.records import Run
from app.trigger import Trigger
from app.worker.deps import WorkerDeps
from app.worker.notices import notify_once
from app.worker.ports import RepoApi
from scaling.result import RunResult


class Command(BaseModel):
    """One parsed command; `problem` explains why a malformed one fell back to help."""

    model_config = ConfigDict(frozen=True)

    name: str
    argument: str = ""
    number: int | None = None
    problem: str | None = None


@dataclass
class Call:
    """One command from a writer, with what every handler needs to answer it."""

    deps: WorkerDeps
    repo: RepoApi
    trigger: Trigger
    config: RepoConfig
    command: Command
    run: Run | None = None
    """The run the command is about: by PR on autofix's PR, else the issue's latest."""

    @property
    def issue_trigger(self) -> Trigger:
        """The trigger as if made on the issue (a command on the PR steers the issue's run)."""
        if self.run is None:
            return self.trigger
        return self.trigger.model_copy(update={"number": self.run.issue_number})

    async def say(self, what: str, *, topic: str = "") -> None:
        """Answer with a short comment (once per delivery and topic)."""
        body = render_notice("idle", what=what)
        await notify_once(self.deps, self.repo, self.trigger, body, topic=topic)

    async def finished(self) -> tuple[Run, RunResult] | None:
        """The subject run and its stored result, or None after saying there is none yet."""
        result = await self.deps.store.get_result(self.run.id) if self.run else None
        if self.run is None or result is None:
            await self.say("No finished autofix run for this issue yet.")
            return None
        return self.run, result


Handler = Callable[[Call], Awaitable[str]]
Parser = Callable[[str, CommandLine], Command]


def plain(name: str, line: CommandLine) -> Command:
    """A command whose argument, if any, is its line's remainder."""
    return Command(name=name, argument=line.argument)


@dataclass(frozen=True)
class Spec:
    """One command: how its line parses and what answers it."""

    name: str
    handler: Handler
    parse: Parser = plain
    about_a_run: bool = True
    """Needs the run it steers; on a pull request autofix did not open it is refused."""


COMMANDS: dict[str, Spec] = {}


def command(
    name: str, *, parse: Parser = plain, about_a_run: bool = True
) -> Callable[[Handler], Handler]:
    """Register the decorated handler as `/autofix <name>`."""

    def register(handler: Handler) -> Handler:
        COMMANDS[name] = Spec(name, handler, parse, about_a_run)
        return handler

    return register


def parse(line: CommandLine) -> Command:
    """The command a line asks for; anything malformed becomes help with the reason."""
    if not line.word:
        return Command(name="help")
    spec = COMMANDS.get(line.word)
    if spec is None:
        return Command(name="help", problem=f"`{line.word}` is not an autofix command.")
    return spec.parse(line.word, line)
