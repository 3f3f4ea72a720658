"""CI after the run: the run ends as soon as its pull request is up, short looks follow the
checks (no worker slot waits for CI), a failure that comes later still gets its fix attempt,
gate mode marks the draft ready when CI passes, and a check that cannot be re-run says so."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from arq.constants import default_queue_name

from app.github.publish import branch_of
from tests.app.harness import AppUnderTest
from tests.fakes.executor import ScriptedExecutor
from tests.fakes.github_state import FakeRepo

ADDS = "python3 -c 'import calc; assert calc.add(2, 3) == 5, \"add is wrong\"'"
CIRCLE: dict[str, Any] = {"id": 9001, "slug": "circle-ci", "name": "CircleCI"}
Events = list[tuple[str, dict[str, Any]]]


def _hosted(app: AppUnderTest) -> FakeRepo:
    hosted = app.github.state.repo("octo", "calc")
    assert hosted is not None
    return hosted


def _record_events(app: AppUnderTest) -> Events:
    """CI webhooks, kept to be delivered when the test says (GitHub sends them whenever)."""
    events: Events = []
    app.github.ci.webhook = lambda event, payload: events.append((event, payload))
    return events


async def _deliver_all(app: AppUnderTest, events: Events) -> list[str]:
    outcomes = []
    while events:
        event, payload = events.pop(0)
        outcomes.append((await app.deliver(event, payload)).json()["outcome"])
    return outcomes


async def _label(app: AppUnderTest, config: str = "", *, work: bool = True) -> int:
    if config:
        app.github.advance_branch("octo", "calc", "main", {".github/autofix.yml": config})
    number = app.github.add_issue("octo", "calc", "add() subtracts", "2 + 2 gives 0")
    await app.deliver("issues", app.payloads.labeled(number))
    if work:
        await app.work_off()
    return number


async def _queued_poll(app: AppUnderTest) -> bytes:
    """The one job left queued once the first look is done: its next poll."""
    queue = app.web.state.queue
    for _ in range(600):
        queued = await queue.zrange(default_queue_name, 0, -1)
        if len(queued) == 1 and queued[0].startswith(b"ci-poll:"):
            return bytes(queued[0])
        await asyncio.sleep(0.05)
    raise AssertionError(f"no poll was queued: {queued!r}")


def _status(app: AppUnderTest, number: int) -> str:
    return str(app.status_comments(number)[-1]["body"])


async def test_the_run_ends_while_ci_has_not_reported_and_a_later_check_is_still_heard(
    app: AppUnderTest,
) -> None:
    # Real time: the next poll is ten minutes away and `ci.appear_s` two. A run that waited
    # for CI would hold its worker slot that long.
    app.ci_time_scale, app.ci_poll_s = 1.0, 600.0
    events = _record_events(app)

    async with app.serving():
        number = await _label(app, work=False)
        await app.wait_for_run(number, "resolved")
        await _queued_poll(app)

    status = _status(app, number)
    assert "no check on" in status and "waiting up to 120 s" in status
    assert "CI budget: waited 0 s of 30 min" in status
    queue = app.web.state.queue

    # The repository's CI reports later; its event brings the next look, not the poll.
    [pr] = app.pulls()
    app.github.ci.add_check_run(_hosted(app), pr["head"]["sha"], "tests", conclusion="success")
    assert await _deliver_all(app, events) == ["nudged"]
    await app.work_off()

    assert "all 1 check(s)" in _status(app, number)
    assert "all 1 check(s)" in app.pulls()[0]["body"]
    # The verdict is in: the pending poll was dropped, nothing is left queued.
    assert await queue.zcard(default_queue_name) == 0


async def test_ci_that_fails_after_the_run_ended_gets_a_fix_attempt(
    app: AppUnderTest, tmp_path: Path
) -> None:
    executor = ScriptedExecutor(store=app.store, refined="sum((a, b))")
    app.executor = executor
    moved = tmp_path / "base-moved"
    # Passes until "the base branch moves" (the flag file appears); then it fails on any tree
    # that does not use sum().
    app.github.ci.run_on_push(
        "tests",
        f"test -e {moved} && ! grep -q 'sum((a, b))' calc.py && "
        "{ echo 'FAILED test_add after the base moved'; exit 1; }; " + ADDS,
        branch_prefix="autofix/",
    )
    number = await _label(app)
    assert "all 1 check(s)" in _status(app, number)
    assert [e.run.trigger for e in executor.executed] == ["label"]

    # The base moves; a maintainer re-runs CI on autofix's head and it fails now.
    events = _record_events(app)
    moved.write_text("")
    [pr] = app.pulls()
    [passed] = [r for r in app.github.ci.runs.values() if r["head_sha"] == pr["head"]["sha"]]
    app.github.ci.rerun(_hosted(app), passed["id"])
    app.github.ci.wait()
    while events:  # each look's re-run brings more events
        assert set(await _deliver_all(app, events)) == {"nudged"}
        await app.work_off()
        app.github.ci.wait()

    assert [e.run.trigger for e in executor.executed] == ["label", "refine"]
    feedback = executor.executed[1].run.feedback or ""
    assert (
        "Check `tests`: failure" in feedback and "FAILED test_add after the base moved" in feedback
    )
    first = app.status_comments(number)[0]["body"]
    assert "fix attempt 1 of 1 started" in first
    # The fix went to the same pull request, and CI passes on it.
    assert len(app.pulls()) == 1
    head = app.github.file_at("octo", "calc", branch_of(number), "calc.py")
    assert head is not None and "sum((a, b))" in head
    assert "all 1 check(s)" in _status(app, number)


async def test_gate_mode_marks_the_draft_ready_when_ci_passes(app: AppUnderTest) -> None:
    app.github.ci.run_on_push("tests", ADDS, branch_prefix="autofix/")

    number = await _label(app, "ci:\n  mode: gate\npr:\n  draft: false\n")

    [pr] = app.pulls()
    assert pr["draft"] is False
    assert "ready for review" in _status(app, number)
    assert app.github.state.marked_ready


async def test_gate_mode_leaves_a_draft_that_the_config_asks_for(app: AppUnderTest) -> None:
    app.github.ci.run_on_push("tests", ADDS, branch_prefix="autofix/")

    await _label(app, "ci:\n  mode: gate\n")

    assert app.pulls()[0]["draft"] is True
    assert not app.github.state.marked_ready


async def test_a_refused_ready_for_review_is_said_not_raised(app: AppUnderTest) -> None:
    app.github.refuse_ready_for_review = True
    app.github.ci.run_on_push("tests", ADDS, branch_prefix="autofix/")

    number = await _label(app, "ci:\n  mode: gate\npr:\n  draft: false\n")

    assert app.pulls()[0]["draft"] is True
    assert "did not let autofix mark the pull request ready" in _status(app, number)


async def test_another_apps_check_that_cannot_be_re_run_is_reported_as_such(
    app: AppUnderTest,
) -> None:
    app.github.ci.run_on_push("lint", "exit 1", branch_prefix="autofix/", app=CIRCLE)

    number = await _label(app, "ci:\n  fix_attempts: 0\n")

    status = _status(app, number)
    assert "failed: `lint`" in status
    assert "Not re-run, so a flake cannot be told from a failure: `lint`" in status
    # GitHub refused the re-request; nothing ran twice.
    assert [c for _, _, c in app.github.ci.ran] == ["failure"]


async def test_another_apps_flaky_check_is_reported_flaky_when_github_lets_it_re_run(
    app: AppUnderTest,
) -> None:
    app.github.ci.refuse_rerequests = False
    app.github.ci.run_on_push("e2e", "true", branch_prefix="autofix/", app=CIRCLE, flaky_failures=1)

    number = await _label(app)

    assert app.github.ci.rerequests and [c for _, _, c in app.github.ci.ran] == [
        "failure",
        "success",
    ]
    assert "Flaky: `e2e` failed, then passed" in _status(app, number)
    assert len(app.status_comments(number)) == 1  # nothing to fix


async def test_autofix_status_on_a_finished_run_keeps_what_ci_said(app: AppUnderTest) -> None:
    app.github.ci.run_on_push("lint", "echo 'E225 spacing'; exit 1", branch_prefix="autofix/")
    number = await _label(app, "ci:\n  fix_attempts: 0\n")
    assert "failed: `lint`" in _status(app, number)

    await app.deliver("issue_comment", app.payloads.comment(number, "/autofix status"))
    await app.work_off()

    status = _status(app, number)
    assert "failed: `lint`" in status and "CI budget: waited" in status
