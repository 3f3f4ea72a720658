"""Publishing through the App: the PR record names the candidate on the PR, maintainers'
commits survive a new run, a candidate that failed its holdout cannot be picked, refine survives
unreadable review threads, and an issue's title cannot ping or close anything."""

from __future__ import annotations

import re

from app.github.publish import branch_of
from tests.app.harness import AppUnderTest
from tests.fakes.executor import ScriptedExecutor


async def _opened(app: AppUnderTest) -> int:
    number = app.github.add_issue("octo", "calc", "add() subtracts", "2 + 2 gives 0")
    await app.deliver("issues", app.payloads.labeled(number))
    await app.work_off()
    assert len(app.pulls()) == 1
    return number


async def _on_pr(app: AppUnderTest, number: int) -> str | None:
    link = await app.store.latest_pull_request("octo/calc", branch_of(number))
    return link.rollout_id if link else None


async def test_the_pr_record_names_the_candidate_on_the_pr(app: AppUnderTest) -> None:
    number = await _opened(app)
    assert await _on_pr(app, number) == "r0-0"

    await app.deliver("issue_comment", app.payloads.comment(number, "/autofix pick 3"))
    await app.work_off()

    assert "candidate 3" in app.bot_replies(number)[-1]
    assert await _on_pr(app, number) == "r0-2"


async def test_a_maintainers_commit_on_the_branch_survives_a_new_run(app: AppUnderTest) -> None:
    number = await _opened(app)
    branch = branch_of(number)
    theirs = app.github.advance_branch("octo", "calc", branch, {"NOTES.md": "mine\n"})

    await app.deliver("issue_comment", app.payloads.comment(number, "/autofix retry"))
    await app.work_off()

    assert app.github.branches("octo", "calc")[branch] == theirs
    retried = await app.wait_for_run(number, "unresolved", deadline_s=5)
    status = next(
        c["body"]
        for c in app.status_comments(number)
        if f"autofix:status run={retried.id} " in c["body"]
    )
    assert "did not push" in status and "/autofix refine" in status
    assert any("did not push" in reply for reply in app.bot_replies(number)), "a new comment"


async def test_pick_refuses_a_candidate_that_failed_its_holdout(app: AppUnderTest) -> None:
    app.executor = ScriptedExecutor(store=app.store, holdouts={1: "passed", 3: "failed"})
    number = await _opened(app)
    before = app.github.branches("octo", "calc")[branch_of(number)]

    await app.deliver("issue_comment", app.payloads.comment(number, "/autofix pick 3"))
    await app.work_off()

    assert "failed the holdout" in app.bot_replies(number)[-1]
    assert app.github.branches("octo", "calc")[branch_of(number)] == before
    assert await _on_pr(app, number) == "r0-0"


async def test_refine_goes_on_without_review_threads_github_cannot_list(
    app: AppUnderTest,
) -> None:
    number = await _opened(app)
    pr = app.pulls()[0]["number"]
    app.github.fail("POST", r"/graphql$", status=404, body={"message": "Not Found"})

    comment = app.payloads.comment(pr, "/autofix refine use a heap", pr=True)
    await app.deliver("issue_comment", comment)
    await app.work_off()

    first = await app.store.latest_run("octo/calc", number)
    refined = await app.wait_for_run(number, "resolved", deadline_s=5)
    assert first is not None and refined.trigger == "refine" and refined.feedback == "use a heap"
    assert any("could not be read" in reply for reply in app.bot_replies(pr))


async def test_an_issue_title_cannot_ping_or_close_through_the_pr_title_or_commit(
    app: AppUnderTest,
) -> None:
    title = "Crash on add, fixes #99, cc @acme/admins"
    number = app.github.add_issue("octo", "calc", title, "2 + 2 gives 0", author="mallory")
    await app.deliver("issues", app.payloads.labeled(number))
    await app.work_off()

    [pr] = app.pulls()
    message = app.github.state.repos["octo/calc"].last_commit(branch_of(number), "%B")
    for text in (pr["title"], message):
        assert "Crash on add" in text
        assert not re.search(r"(?i)\bfixes\s+#99", text) and "@acme" not in text
