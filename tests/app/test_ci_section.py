"""The status comment's CI section with other apps' check names in it: what the notes and the
table say stays inside GitHub's limits and inside its code spans."""

from __future__ import annotations

import re

from app.ci.checks import CiCheck
from app.ci.follow import SLOT, CiFollow
from app.ci.verdict import CiVerdict
from app.config import RepoConfig
from app.worker.ci_act import tried
from app.worker.ci_evidence import ci_section

SHA = "0123456789abcdef" * 2 + "01234567"
_LINE_ENDING = re.compile(r"\r\n|\r|\n")
COMMENT_LIMIT = 65_536
"""GitHub refuses comments and descriptions longer than this."""


def follow(**update: object) -> CiFollow:
    state = CiFollow(
        repo="octo/calc",
        run_id=1,
        pr=2,
        url="https://github.example/octo/calc/pull/2",
        branch="autofix/issue-1",
        head_sha=SHA,
        head_since=0.0,
        comment=f"status\n\n{SLOT}",
    )
    return state.model_copy(update=update)


def status(name: str, state: str = "failure") -> CiCheck:
    return CiCheck(kind="status", name=name, state=state, conclusion=state)


def test_a_line_break_in_a_check_name_cannot_end_its_code_span() -> None:
    # GitHub reads a lone carriage return as a line ending: two of them end the paragraph,
    # and with it the code span, so a mention after them would ping.
    name = "lint\r\r@octo/team fixes #1\r\n\r\n@admin \u2028\x0b\x0c\x85"
    verdict = CiVerdict(outcome="failed", sha=SHA, checks=(status(name),))
    state = follow(tries=(tried("r1", verdict),)).with_note(f"CI failed on {tried('r1', verdict)}")

    section, _ = ci_section(RepoConfig(), state, verdict, now=5.0)

    for line in _LINE_ENDING.split(section):
        assert line.count("`") % 2 == 0, line
    assert not re.search(r"[\r\x0b\x0c\x85\u2028\u2029]", section)


def test_thousands_of_checks_keep_the_section_within_githubs_limits() -> None:
    checks = tuple(
        status(f"check {n:04} {'x' * 180}", "failure" if n % 2 else "success") for n in range(1000)
    )
    verdict = CiVerdict(outcome="failed", sha=SHA, checks=checks)
    state = follow(tries=tuple(tried(f"r{n}", verdict) for n in range(4)))

    section, report = ci_section(RepoConfig(), state, verdict, now=5.0)

    assert len(section) < COMMENT_LIMIT // 4
    assert "`check 0001 x" in report  # the failures come first
    assert "and 490 more" in report and "950 more check(s), not listed" in report
