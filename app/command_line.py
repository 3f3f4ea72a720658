"""Finds the `/autofix <word>` line of a comment; what the word means is the worker's business."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

PREFIX = "/autofix"


class CommandLine(BaseModel):
    """The first `/autofix` line of a comment: its word, the rest of it, the lines after it."""

    model_config = ConfigDict(frozen=True)

    word: str = ""
    argument: str = ""
    following: str = ""
    """The comment's lines after the command line (some commands take several lines)."""


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


def find_command(body: str | None) -> CommandLine | None:
    """The first `/autofix` line in `body`, or None when the comment holds none."""
    if not body:
        return None
    lines = body.splitlines()
    for index, line in _command_lines(body):
        head, _, rest = line.partition(" ")
        if head.lower() != PREFIX:
            continue
        word, _, argument = rest.strip().partition(" ")
        following = "\n".join(lines[index + 1 :]).strip()
        return CommandLine(word=word.lower(), argument=argument.strip(), following=following)
    return None
