"""The CI section: each check with its result and a link, with other apps' text defused."""

from __future__ import annotations

from app.ci.checks import CiCheck
from app.ci.verdict import CiVerdict
from app.config import CiConfig
from app.status.ci_report import render_ci

SHA = "0123456789abcdef" * 2 + "01234567"


def check(name: str, state: str = "success", url: str | None = "https://ci.example/1") -> CiCheck:
    conclusion = None if state == "pending" else state
    return CiCheck(kind="check_run", name=name, state=state, conclusion=conclusion, url=url)


def test_each_check_has_its_result_and_link_failures_first() -> None:
    verdict = CiVerdict(
        outcome="failed",
        sha=SHA,
        checks=(check("tests"), check("lint", "failure", "https://ci.example/lint")),
    )
    text = render_ci(verdict, CiConfig())
    assert text.startswith("**CI** (evidence): 1 of 2 check(s) on `0123456` failed: `lint`.")
    assert text.index("[lint](https://ci.example/lint) | failure |") < text.index("[tests]")


def test_hostile_check_names_and_links_cannot_ping_close_or_inject() -> None:
    hostile = check(
        "@octo/team fixes #1 | ![x](https://evil.example/t.png)",
        "failure",
        url="javascript:alert(1)",
    )
    breakout = check("`ok`]", url="https://ci.example/a) [click](https://evil.example")
    verdict = CiVerdict(outcome="failed", sha=SHA, checks=(hostile, breakout))
    text = render_ci(verdict, CiConfig())
    assert "@octo" not in text and "@\u200bocto" in text
    assert "fixes #1" not in text
    assert "![x]" not in text
    assert "javascript:" not in text
    assert "(https://ci.example/a)" not in text and "[click]" not in text
    assert "| 'ok'\\] | success |" in text
    # The table keeps its two columns: a `|` in a name is escaped.
    row = next(line for line in text.splitlines() if line.startswith("| ") and "octo" in line)
    assert row.replace("\\|", "").count("|") == 3 and "\\|" in row


def test_no_ci_and_timeouts_say_what_happened() -> None:
    config = CiConfig(appear_s=60, timeout_s=900)
    none = render_ci(CiVerdict(outcome="no_ci", sha=SHA), config)
    assert "no check appeared on `0123456` within 60 s" in none
    stuck = CiVerdict(outcome="timed_out", sha=SHA, checks=(check("e2e", "pending"),))
    assert "still running on `0123456` after 900 s (`e2e`)" in render_ci(stuck, config)
