"""The repository's own CI through the real worker: its results on the PR, in the status
comment and in autofix's check run; a head without CI; autofix's own check never counts."""

from __future__ import annotations

import asyncio
from typing import Any

from arq.constants import default_queue_name

from tests.app.harness import AppUnderTest

ADDS = "python3 -c 'import calc; assert calc.add(2, 3) == 5, \"add is wrong\"'"


async def _run(app: AppUnderTest, config: str = "") -> int:
    if config:
        app.github.advance_branch("octo", "calc", "main", {".github/autofix.yml": config})
    number = app.github.add_issue("octo", "calc", "add() subtracts", "2 + 2 gives 0")
    await app.deliver("issues", app.payloads.labeled(number))
    await app.work_off()
    await app.wait_for_run(number, "resolved", deadline_s=5)
    return number


def _status(app: AppUnderTest, number: int) -> str:
    [comment] = app.status_comments(number)
    return str(comment["body"])


def _own_check(app: AppUnderTest) -> dict[str, object]:
    [check] = [c for c in app.github.check_runs() if c["name"] == "autofix"]
    return check


async def test_evidence_mode_shows_a_failing_check_with_its_link(app: AppUnderTest) -> None:
    app.github.ci.run_on_push("tests", ADDS, branch_prefix="autofix/")
    app.github.ci.run_on_push(
        "lint", "echo 'calc.py:2: E999 style' && exit 1", branch_prefix="autofix/"
    )

    number = await _run(app, "ci:\n  fix_attempts: 0\n")

    [pr] = app.pulls()
    ran = sorted((name, conclusion) for name, _, conclusion in app.github.ci.ran)
    assert ran == [("lint", "failure"), ("lint", "failure"), ("tests", "success")]
    body = pr["body"]
    assert "## CI" in body and "1 of 2 check(s)" in body and "failed: `lint`" in body
    # The failed Actions job was re-run once (a flake would have passed); the newest run counts.
    run = max(
        (r for r in app.github.ci.runs.values() if r["name"] == "lint"), key=lambda r: r["id"]
    )
    assert len(app.github.ci.reruns) == 1
    assert f"[lint]({run['html_url']}) | failure |" in body
    assert "| success |" in body
    assert "failed: `lint`" in _status(app, number)
    output = _own_check(app)["output"]
    assert isinstance(output, dict) and "failed: `lint`" in output["summary"]
    assert pr["draft"] is True


async def test_passing_ci_is_shown_as_passed(app: AppUnderTest) -> None:
    app.github.ci.run_on_push("tests", ADDS, branch_prefix="autofix/")

    number = await _run(app)

    assert "all 1 check(s)" in app.pulls()[0]["body"]
    assert "all 1 check(s)" in _status(app, number)


async def test_a_head_with_no_ci_blocks_nothing_and_says_so(app: AppUnderTest) -> None:
    # autofix's own check run is on the head; it is not the repository's CI.
    number = await _run(app, "ci:\n  appear_s: 30\n")

    assert "no check appeared" in _status(app, number)
    assert "no check appeared" in app.pulls()[0]["body"]
    assert _own_check(app)["conclusion"] == "success"


async def test_ci_mode_off_reads_no_checks(app: AppUnderTest) -> None:
    app.github.ci.run_on_push("tests", "exit 1", branch_prefix="autofix/")

    number = await _run(app, "ci:\n  mode: off\n")

    assert "**CI**" not in _status(app, number)
    assert "## CI" not in app.pulls()[0]["body"]
    reads = [r for r in app.github.api_requests("GET") if "/check-runs" in r.path]
    assert reads == []


async def test_ci_webhooks_wake_the_watcher_whoever_sent_them(app: AppUnderTest) -> None:
    # Without an event the next look would come only after ten real minutes.
    app.ci_poll_s = 600.0
    app.ci_time_scale = 1.0
    loop = asyncio.get_running_loop()
    outcomes: list[str] = []

    def deliver(event: str, payload: dict[str, Any]) -> None:
        assert payload["sender"]["login"] == "autofix[bot]"  # GitHub names the pusher
        sent = asyncio.run_coroutine_threadsafe(app.deliver(event, payload), loop)
        sent.add_done_callback(lambda done: outcomes.append(done.result().json()["outcome"]))

    app.github.ci.webhook = deliver
    # Still running at the first look: only the completion event can bring the next one.
    app.github.ci.run_on_push("tests", f"sleep 2 && {ADDS}", branch_prefix="autofix/")

    number = await asyncio.wait_for(_run(app), timeout=120)

    assert "all 1 check(s)" in _status(app, number)
    # The check's creation may come before autofix registered its head; its completion does not.
    assert "nudged" in outcomes and set(outcomes) <= {"nudged", "ignored"}


async def test_ci_events_queue_a_look_only_for_autofixs_heads(app: AppUnderTest) -> None:
    repo = {"full_name": "octo/calc"}
    bot = {"login": "autofix[bot]", "type": "Bot"}
    theirs = "ab" * 20
    # Nobody's head: an event about any commit autofix did not push queues nothing.
    stranger = await app.deliver(
        "check_suite", {"check_suite": {"head_sha": theirs}, "repository": repo, "sender": bot}
    )
    forged = await app.deliver(
        "check_run", {"check_run": {"head_sha": "../../x"}, "repository": repo, "sender": bot}
    )
    assert [r.json()["outcome"] for r in (stranger, forged)] == ["ignored", "ignored"]
    assert await app.web.state.queue.zcard(default_queue_name) == 0

    number = await _run(app)
    head = app.pulls()[0]["head"]["sha"]
    suite = {"check_suite": {"head_sha": head}, "repository": repo, "sender": bot}
    flood = [await app.deliver("check_suite", suite) for _ in range(3)]
    status = await app.deliver("status", {"sha": head, "repository": repo, "state": "success"})

    assert {r.json()["outcome"] for r in [*flood, status]} == {"nudged"}
    # Four events, one queued look: they share it while it waits.
    assert await app.web.state.queue.zcard(default_queue_name) == 1
    await app.work_off()
    assert await app.store.latest_run("octo/calc", number + 1) is None  # events start no run


async def test_a_check_that_passes_on_re_run_is_reported_flaky_not_fixed(app: AppUnderTest) -> None:
    app.github.ci.run_on_push("tests", ADDS, branch_prefix="autofix/", flaky_failures=1)

    number = await _run(app)

    assert [c for _, _, c in app.github.ci.ran] == ["failure", "success"]
    status = _status(app, number)
    assert "Flaky: `tests` failed, then passed when re-run on the same commit" in status
    assert "all 1 check(s)" in status
    assert "Flaky: `tests`" in app.pulls()[0]["body"]
    assert len(app.status_comments(number)) == 1  # nothing to fix: no refinement started


async def test_required_only_counts_the_checks_branch_protection_requires(
    app: AppUnderTest,
) -> None:
    app.github.ci.run_on_push("tests", ADDS, branch_prefix="autofix/")
    app.github.ci.run_on_push("preview", "exit 1", branch_prefix="autofix/")
    app.github.ci.required[("octo/calc", "main")] = ["tests"]

    number = await _run(app, "ci:\n  required_only: true\n")

    status = _status(app, number)
    assert "all 1 check(s)" in status and "preview" not in status
