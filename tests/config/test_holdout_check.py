"""Config validation warns when the test command leaves the holdout out (it does not refuse)."""

from __future__ import annotations

import pytest

from app.config import holdout_warnings, parse_repo_config


def warnings_for(command: str, holdout_command: str | None = None) -> list[str]:
    extra = f"  holdout_command: {holdout_command}\n" if holdout_command else ""
    config = parse_repo_config(
        f"tests:\n  command: {command}\n  holdout:\n    - tests/holdout\n{extra}", "autofix.yml"
    )
    return holdout_warnings(config.tests, "autofix.yml")


@pytest.mark.parametrize(
    "command",
    [
        "python3 -m pytest -q tests --deselect tests/holdout",
        "pytest --ignore=tests/holdout",
        "pytest --ignore tests/",
        "pytest --deselect tests/holdout/test_x.py::test_a",
        "pytest -k 'not holdout'",
        "pytest --ignore-glob=tests/holdout/*",
    ],
)
def test_a_command_that_leaves_out_the_holdout_is_warned_about(command: str) -> None:
    (warning,) = warnings_for(f'"{command}"')
    assert "tests/holdout" in warning and "`tests.holdout_command`" in warning


@pytest.mark.parametrize(
    "command", ["pytest -q", "pytest --ignore=tests/slow", "pytest -k 'not slow'", "make test"]
)
def test_commands_that_run_the_holdout_get_no_warning(command: str) -> None:
    assert warnings_for(f'"{command}"') == []


def test_a_holdout_command_answers_the_warning() -> None:
    assert warnings_for('"pytest --ignore=tests/holdout"', '"pytest tests/holdout"') == []
