"""`ci.mode: gate` through the real worker: a candidate that passes autofix's gates but fails
CI is replaced on the same pull request by the next one; when none passes the PR stays a draft;
a maintainer's commit on the branch stops every automatic push."""

from __future__ import annotations

import threading
import time
from typing import Any

from app.github.publish import branch_of
from tests.app.harness import AppUnderTest

GATE = "ci:\n  mode: gate\n  fix_attempts: 0\n"
# Candidate 1 (`a + b`) wins the tournament; this CI only accepts candidate 3 (`sum((a, b))`).
WANTS_SUM = "grep -q 'sum((a, b))' calc.py || { echo 'calc.py:2: expected sum()'; exit 1; }"


async def _run(app: AppUnderTest, config: str = GATE) -> int:
    app.github.advance_branch("octo", "calc", "main", {".github/autofix.yml": config})
    number = app.github.add_issue("octo", "calc", "add() subtracts", "2 + 2 gives 0")
    await app.deliver("issues", app.payloads.labeled(number))
    await app.work_off()
    await app.wait_for_run(number, "resolved", deadline_s=5)
    return number


def _status(app: AppUnderTest, number: int) -> str:
    [comment] = app.status_comments(number)
    return str(comment["body"])


async def test_the_next_candidate_replaces_a_winner_that_fails_ci(app: AppUnderTest) -> None:
    app.github.ci.run_on_push("checks", WANTS_SUM, branch_prefix="autofix/")
    # Even with `pr.draft: false`, gate mode opens the pull request as a draft; it is marked
    # ready only once CI passes, here on the second head.
    number = await _run(app, GATE + "pr:\n  draft: false\n")

    [pr] = app.pulls()
    assert pr["draft"] is False
    assert app.github.state.marked_ready == [("octo/calc", pr["number"])]
    head = app.github.file_at("octo", "calc", branch_of(number), "calc.py")
    assert head is not None and "sum((a, b))" in head
    # The winner's failure re-ran once (not a flake) before the next candidate went up.
    assert [c for _, _, c in app.github.ci.ran] == ["failure", "failure", "success"]
    status = _status(app, number)
    assert "`r0-0`: CI failed (`checks`)" in status
    assert "`r0-2` replaced the head of" in status
    assert "all 1 check(s)" in pr["body"]


async def test_when_ci_fails_on_every_candidate_the_pr_stays_a_draft(app: AppUnderTest) -> None:
    app.github.ci.run_on_push("checks", "echo broken; exit 1", branch_prefix="autofix/")

    number = await _run(app)

    [pr] = app.pulls()
    assert pr["draft"] is True
    status = _status(app, number)
    assert "CI failed on every candidate" in status
    assert "`r0-0`: CI failed (`checks`)" in status and "`r0-2`: CI failed" in status
    # Candidate 2 failed autofix's own gate: CI is never asked about it.
    assert len(app.github.ci.ran) == 4  # two candidates, each failure re-run once


async def test_a_maintainers_commit_stops_automatic_pushes(app: AppUnderTest) -> None:
    # CI takes a moment: the maintainer's commit lands while it runs on autofix's head.
    app.github.ci.run_on_push("checks", "sleep 1; exit 1", branch_prefix="autofix/")
    theirs: list[str] = []
    pushes: list[threading.Thread] = []

    def push() -> None:
        sha = app.github.advance_branch("octo", "calc", "autofix/issue-1", {"N.md": "mine\n"})
        theirs.append(sha)

    def maintainer_pushes(event: str, payload: dict[str, Any]) -> None:
        if not pushes and payload.get("action") == "created":
            pushes.append(threading.Thread(target=push))
            pushes[0].start()

    app.github.ci.webhook = maintainer_pushes

    number = await _run(app)

    pushes[0].join()
    assert app.github.branches("octo", "calc")[branch_of(number)] == theirs[0]
    # autofix sees the foreign head before it pushes anything.
    assert "head is no longer autofix's: nothing is retried" in _status(app, number)
    assert len(app.pulls()) == 1


async def test_a_fast_check_cannot_mark_the_pr_ready_before_a_slower_ci_reports(
    app: AppUnderTest,
) -> None:
    # `ci.appear_s` (10 s) is 2.5 real seconds here; the slow CI reports a second after each
    # push, by commit status only, long after the fast check has passed.
    app.ci_time_scale = 4.0
    app.github.ci.run_on_push("lint", "true", branch_prefix="autofix/")
    late: list[threading.Thread] = []

    def slow_ci_fails(sha: str) -> None:
        time.sleep(1.0)
        hosted = app.github.state.repo("octo", "calc")
        assert hosted is not None
        app.github.ci.add_status(hosted, sha, "ci/jenkins", "failure")

    def on_event(event: str, payload: dict[str, Any]) -> None:
        if payload.get("action") == "created":  # on every head autofix pushes
            sha = payload["check_run"]["head_sha"]
            late.append(threading.Thread(target=slow_ci_fails, args=(sha,)))
            late[-1].start()

    app.github.ci.webhook = on_event

    number = await _run(
        app, "ci:\n  mode: gate\n  appear_s: 10\n  fix_attempts: 0\npr:\n  draft: false\n"
    )

    for thread in late:
        thread.join()
    [pr] = app.pulls()
    assert pr["draft"] is True and not app.github.state.marked_ready
    status = _status(app, number)
    assert "`r0-0`: CI failed (`ci/jenkins`)" in status and "`r0-2`: CI failed" in status
