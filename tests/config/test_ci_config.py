"""The `ci:` section: defaults, every key read, and bad values naming key and line."""

from __future__ import annotations

import pytest

from app.config import CiConfig, ConfigError, parse_repo_config

SOURCE = ".github/autofix.yml"


def problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_repo_config(text, SOURCE)
    return list(info.value.problems)


def test_ci_defaults_to_evidence_with_one_fix_attempt() -> None:
    ci = parse_repo_config("", SOURCE).ci
    assert ci == CiConfig()
    assert (ci.mode, ci.timeout_s, ci.appear_s, ci.fix_attempts) == ("evidence", 1800, 120, 1)
    assert (ci.ignore, ci.required_only) == ((), False)


def test_every_ci_key_is_read() -> None:
    ci = parse_repo_config(
        """\
ci:
  mode: gate
  timeout_s: 900
  appear_s: 60
  fix_attempts: 0
  ignore: [netlify/deploy-preview, codecov/patch]
  required_only: true
""",
        SOURCE,
    ).ci
    assert (ci.mode, ci.timeout_s, ci.appear_s, ci.fix_attempts) == ("gate", 900, 60, 0)
    assert ci.ignore == ("netlify/deploy-preview", "codecov/patch")
    assert ci.required_only is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ci:\n  mode: strict\n", "`ci.mode` on line 2 of {src} must be one of `off`, `evidence`"),
        ("ci:\n  mode: true\n", "`ci.mode` on line 2 of {src} must be one of"),
        ("ci:\n  timeout_s: 5\n", "`ci.timeout_s` on line 2 of {src} must be an integer between"),
        ("ci:\n  appear_s: soon\n", "`ci.appear_s` on line 2 of {src} must be an integer"),
        ("ci:\n\n  fix_attempts: -1\n", "`ci.fix_attempts` on line 3 of {src} must be an integer"),
        ("ci:\n  fix_attempts: 99\n", "`ci.fix_attempts` on line 2 of {src} must be an integer"),
        ("ci:\n  ignore: lint\n", "`ci.ignore` on line 2 of {src} must be a list of"),
        ("ci:\n  ignore: ['  ']\n", "`ci.ignore` on line 2 of {src}: check name '  ' must be"),
        ("ci:\n  required_only: yes please\n", "`ci.required_only` on line 2 of {src} must be"),
        ("ci: gate\n", "`ci` on line 1 of {src} must be a mapping with the keys"),
    ],
)
def test_bad_ci_values_name_key_and_line(text: str, expected: str) -> None:
    (message,) = problems(text)
    assert message.startswith(expected.format(src=SOURCE)), message


def test_unknown_ci_key_suggests_the_close_one() -> None:
    (message,) = problems("ci:\n  mode: gate\n  fix_attempt: 2\n")
    assert message.startswith(f"unknown key `ci.fix_attempt` on line 3 of {SOURCE}"), message
    assert "did you mean `ci.fix_attempts`?" in message


def test_unquoted_off_turns_ci_off() -> None:
    assert parse_repo_config("ci:\n  mode: off\n", SOURCE).ci.mode == "off"
