"""Parses `/autofix <command>` out of a comment body."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

CommandName = Literal[
    "retry", "refine", "candidates", "pick", "explain", "status", "cancel", "help"
]
NAMES: tuple[CommandName, ...] = (
    "retry",
    "refine",
    "candidates",
    "pick",
    "explain",
    "status",
    "cancel",
    "help",
)
PREFIX = "/autofix"


class Command(BaseModel):
    """One parsed command; `problem` explains why a malformed one fell back to help."""

    model_config = ConfigDict(frozen=True)

    name: CommandName
    argument: str = ""
    number: int | None = None
    problem: str | None = None


def _command_lines(body: str) -> list[tuple[int, str]]:
    """Lines outside fenced code blocks and quotes, so quoted commands are never re-run."""
    out: list[tuple[int, str]] = []
    fenced = False
    for index, raw in enumerate(body.splitlines()):
        line = raw.strip()
        if line.startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if not fenced and not line.startswith(">"):
            out.append((index, line))
    return out


def parse_command(body: str | None) -> Command | None:
    """The first `/autofix` command in `body`, or None when the comment holds none."""
    if not body:
        return None
    lines = body.splitlines()
    for index, line in _command_lines(body):
        head, _, rest = line.partition(" ")
        if head.lower() != PREFIX:
            continue
        word, _, argument = rest.strip().partition(" ")
        word = word.lower()
        argument = argument.strip()
        if not word:
            return Command(name="help")
        if word == "refine":
            # Feedback may continue on the following lines of the comment.
            tail = "\n".join(lines[index + 1 :]).strip()
            feedback = "\n".join(part for part in (argument, tail) if part)
            if not feedback:
                return Command(name="help", problem="`refine` needs feedback after it.")
            return Command(name="refine", argument=feedback)
        if word == "pick":
            if not argument.isdigit() or int(argument) < 1:
                return Command(
                    name="help", problem="`pick` needs a candidate number, e.g. `pick 2`."
                )
            return Command(name="pick", number=int(argument))
        for name in NAMES:
            if word == name:
                return Command(name=name, argument=argument)
        return Command(name="help", problem=f"`{word}` is not an autofix command.")
    return None
