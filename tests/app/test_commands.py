from __future__ import annotations

import pytest

from app.command_line import find_command
from app.status.render import render_help
from app.worker.commands import COMMANDS, Command, parse


def parse_command(body: str | None) -> Command | None:
    line = find_command(body)
    return None if line is None else parse(line)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("/autofix retry", Command(name="retry")),
        ("  /AutoFix   Status  ", Command(name="status")),
        ("thanks!\n/autofix cancel\nbye", Command(name="cancel")),
        ("/autofix candidates", Command(name="candidates")),
        ("/autofix explain", Command(name="explain")),
        ("/autofix help", Command(name="help")),
        ("/autofix", Command(name="help")),
        ("/autofix pick 2", Command(name="pick", number=2)),
        ("/autofix refine use a heap", Command(name="refine", argument="use a heap")),
        (
            "/autofix refine keep the API\nand add a test",
            Command(name="refine", argument="keep the API\nand add a test"),
        ),
    ],
)
def test_commands_parse(body: str, expected: Command) -> None:
    assert parse_command(body) == expected


@pytest.mark.parametrize("body", [None, "", "LGTM", "see /autofix retry above", "/autofixes"])
def test_comments_without_a_command_parse_to_none(body: str | None) -> None:
    assert parse_command(body) is None


def test_quoted_and_fenced_commands_are_not_commands() -> None:
    assert parse_command("> /autofix retry\nquoting you") is None
    assert parse_command("```\n/autofix cancel\n```") is None


@pytest.mark.parametrize(
    ("body", "problem_mentions"),
    [
        ("/autofix frobnicate", "frobnicate"),
        ("/autofix pick", "pick"),
        ("/autofix pick zero", "pick"),
        ("/autofix pick 0", "pick"),
        ("/autofix refine", "refine"),
    ],
)
def test_malformed_commands_fall_back_to_help_with_a_reason(
    body: str, problem_mentions: str
) -> None:
    command = parse_command(body)
    assert command is not None and command.name == "help"
    assert command.problem is not None and problem_mentions in command.problem


def test_every_command_has_its_own_entry_in_the_table_and_the_help() -> None:
    assert set(COMMANDS) == {
        "retry", "refine", "candidates", "pick", "explain", "status", "cancel", "help"
    }  # fmt: skip
    help_text = render_help()
    missing = [name for name in COMMANDS if f"`/autofix {name}" not in help_text]
    assert not missing, f"the help text does not describe {missing}"
