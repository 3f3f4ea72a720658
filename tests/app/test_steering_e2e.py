"""Steering runs end to end at the Executor seam: cancel, unlabel, commands, review refinement."""

from __future__ import annotations

from pathlib import Path

from tests.app.harness import AppUnderTest
from tests.fakes.executor import CANDIDATES, ScriptedExecutor
from tests.fakes.github_server import FakeGitHub


async def _opened(app: AppUnderTest) -> int:
    """An issue whose run opened autofix's PR (candidate 1)."""
    number = app.github.add_issue("octo", "calc", "add() subtracts", "2 + 2 gives 0")
    await app.deliver("issues", app.payloads.labeled(number))
    await app.work_off()
    assert len(app.pulls()) == 1
    return number


def _branch_calc(app: AppUnderTest, number: int) -> str | None:
    return app.github.file_at("octo", "calc", f"autofix/issue-{number}", "calc.py")


def _holding_app(github: FakeGitHub, redis_url: str, tmp_path: Path, key_pem: str) -> AppUnderTest:
    return AppUnderTest(github, redis_url, tmp_path, key_pem, executor=ScriptedExecutor(hold=True))


async def test_cancel_command_stops_a_running_run(
    github: FakeGitHub, fresh_redis_url: str, tmp_path: Path, key_pem: str
) -> None:
    app = _holding_app(github, fresh_redis_url, tmp_path, key_pem)
    number = github.add_issue("octo", "calc", "add() subtracts")
    try:
        async with app.serving():
            await app.deliver("issues", app.payloads.labeled(number))
            run = await app.wait_for_run(number, "running")
            await app.deliver("issue_comment", app.payloads.comment(number, "/autofix cancel"))
            run = await app.wait_for_run(number, "cancelled")
    finally:
        await app.aclose()
    assert app.pulls() == []
    assert str(run.id) in getattr(app.reaper, "reaped", []), "the run's sandboxes were reaped"
    cancelled = app.metrics.registry.get_sample_value("autofix_runs_total", {"status": "cancelled"})
    assert cancelled == 1
    status = app.status_comments(number)
    assert len(status) == 1 and "cancelled" in status[0]["body"].lower()


async def test_removing_the_label_cancels_the_run(
    github: FakeGitHub, fresh_redis_url: str, tmp_path: Path, key_pem: str
) -> None:
    app = _holding_app(github, fresh_redis_url, tmp_path, key_pem)
    number = github.add_issue("octo", "calc", "add() subtracts")
    try:
        async with app.serving():
            await app.deliver("issues", app.payloads.labeled(number))
            await app.wait_for_run(number, "running")
            await app.deliver("issues", app.payloads.unlabeled(number))
            run = await app.wait_for_run(number, "cancelled")
    finally:
        await app.aclose()
    assert run.error == "the label was removed"
    assert app.pulls() == []
    status = app.status_comments(number)
    assert len(status) == 1 and "label was removed" in status[0]["body"]


async def test_pick_switches_the_pr_only_to_a_candidate_that_passed_its_gate(
    app: AppUnderTest,
) -> None:
    number = await _opened(app)
    assert _branch_calc(app, number) == f"def add(a, b):\n    return {CANDIDATES[0][0]}\n"
    await app.deliver("issue_comment", app.payloads.comment(number, "/autofix pick 2"))
    await app.work_off()
    assert _branch_calc(app, number) == f"def add(a, b):\n    return {CANDIDATES[0][0]}\n"
    assert "did not pass its test gate" in app.bot_replies(number)[-1]

    await app.deliver("issue_comment", app.payloads.comment(number, "/autofix pick 3"))
    await app.work_off()
    pulls = app.pulls()
    assert len(pulls) == 1
    assert _branch_calc(app, number) == f"def add(a, b):\n    return {CANDIDATES[2][0]}\n"
    assert "Candidate 3" in pulls[0]["body"], "the PR body describes the picked candidate"
    assert "Switched" in app.bot_replies(number)[-1]


async def test_candidates_explain_and_status_answer_from_the_stored_result(
    app: AppUnderTest,
) -> None:
    number = await _opened(app)
    pr_url = f"/pull/{app.pulls()[0]['number']}"
    for command in ("candidates", "explain", "status"):
        await app.deliver("issue_comment", app.payloads.comment(number, f"/autofix {command}"))
        await app.work_off()
    candidates, explain = app.bot_replies(number)
    assert "/autofix pick" in candidates
    for index, (_, passed) in enumerate(CANDIDATES, start=1):
        assert f"| {index} | `c{index}` | 0 | {'passed' if passed else 'failed'} |" in candidates
    assert "passed its gate and the holdout check" in explain
    assert "3 rollout(s), 3 candidate(s)" in explain
    status = app.status_comments(number)
    assert len(status) == 1 and pr_url in status[0]["body"]


async def test_a_review_on_the_pr_refines_it_in_place(app: AppUnderTest) -> None:
    number = await _opened(app)
    pr = app.pulls()[0]
    review_id = 4242
    batch = [
        (
            "pull_request_review_comment",
            app.payloads.review_comment(pr, review_id, "use the builtin sum", "calc.py"),
        ),
        ("pull_request_review", app.payloads.review(pr, review_id, "Close, but simplify.")),
        (
            "pull_request_review_comment",
            app.payloads.review_comment(pr, review_id, "and add a test", "test_calc.py"),
        ),
    ]
    replies = [(await app.deliver(event, payload)).status_code for event, payload in batch]
    assert replies == [202, 202, 202]
    await app.work_off()
    assert isinstance(app.executor, ScriptedExecutor)
    runs = [e.run for e in app.executor.executed]
    assert [r.trigger for r in runs] == ["label", "review"], "one refinement for the review"
    feedback = runs[1].feedback or ""
    assert "Close, but simplify." in feedback
    assert "`calc.py` line 1: use the builtin sum" in feedback
    assert "`test_calc.py` line 1: and add a test" in feedback
    pulls = app.pulls()
    assert len(pulls) == 1 and pulls[0]["number"] == pr["number"]
    assert f"(run {runs[1].id})" in pulls[0]["body"], "the refinement updated the same PR"
    assert len(app.status_comments(number)) == 2, "each run keeps one status comment"
