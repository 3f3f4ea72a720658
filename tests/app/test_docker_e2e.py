"""The App end to end with the real engine: a signed label -> Docker rollouts -> one PR; a review
-> a refinement seeded with the winner's summary -> the same PR; cancel reaps the containers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.app.docker_app import (
    CONFIG,
    docker_app,
    host_calc,
    remove_containers,
    unique_prefix,
    wait_for_containers,
)
from tests.app.harness import AppUnderTest
from tests.app.personas import Responder, approach
from tests.fakes.anthropic_server import FakeAnthropic
from tests.fakes.github_server import FakeGitHub

pytestmark = pytest.mark.docker


@pytest.fixture
def prefix() -> Iterator[str]:
    scope = unique_prefix()
    yield scope
    remove_containers(scope)


@pytest.fixture
def anthropic() -> Iterator[FakeAnthropic]:
    with FakeAnthropic.start() as fake:
        yield fake
        assert not fake.problems, fake.problems


@pytest.fixture
def github(tmp_path: Path) -> Iterator[FakeGitHub]:
    with FakeGitHub(tmp_path / "github") as fake:
        yield fake


@pytest.fixture
async def app(
    github: FakeGitHub,
    anthropic: FakeAnthropic,
    fresh_redis_url: str,
    tmp_path: Path,
    key_pem: str,
    prefix: str,
) -> AsyncIterator[AppUnderTest]:
    under_test = docker_app(github, anthropic, fresh_redis_url, tmp_path, key_pem, prefix)
    yield under_test
    await under_test.aclose()


async def test_label_to_pr_then_review_refines_the_same_pr(
    app: AppUnderTest, anthropic: FakeAnthropic, prefix: str
) -> None:
    number = host_calc(app.github)
    script = Responder(first=["WRONG", "CORRECT"], prefers=("WRONG", "CORRECT", "POLISHED"))
    anthropic.respond_with(script)
    reply = await app.deliver("issues", app.payloads.labeled(number))
    assert reply.status_code == 202
    await app.work_off()

    run = await app.wait_for_run(number, "resolved", deadline_s=1)
    pulls = app.pulls()
    assert len(pulls) == 1, app.comments(number)
    # The judge preferred WRONG, but its patch fails the holdout tests: CORRECT is proposed.
    assert approach("CORRECT") in pulls[0]["body"] and f"Closes #{number}" in pulls[0]["body"]
    branch = f"autofix/issue-{number}"
    assert "(ordered[middle - 1] + ordered[middle]) / 2" in (
        app.github.file_at("octo", "calc", branch, "calc/stats.py") or ""
    )
    assert len(app.status_comments(number)) == 1
    assert any(r.forced_tool == "vote" for r in anthropic.requests), "a vote decided the match"
    assert await wait_for_containers(prefix, present=False, deadline_s=30) == []
    assert run.pr_number == pulls[0]["number"]

    pr = pulls[0]
    await app.deliver(
        "pull_request_review_comment",
        app.payloads.review_comment(pr, 99, "also cover unsorted input", "calc/stats.py"),
    )
    await app.deliver("pull_request_review", app.payloads.review(pr, 99, "Nearly there."))
    await app.work_off()

    refined = await app.wait_for_run(number, "resolved", after=run.id, deadline_s=1)
    seeded = [p for p in script.prompts if "Feedback from a maintainer" in p]
    assert len(seeded) == 2, "every rollout of the refinement got the feedback"
    for prompt in seeded:
        assert approach("CORRECT") in prompt, "seeded with the published winner's summary"
        assert "Nearly there." in prompt and "also cover unsorted input" in prompt
    pulls = app.pulls()
    assert len(pulls) == 1 and pulls[0]["number"] == pr["number"]
    assert approach("POLISHED") in pulls[0]["body"]
    assert app.github.file_at("octo", "calc", branch, "tests/test_unsorted.py"), "pushed"
    assert refined.pr_number == pr["number"]


async def test_cancel_removes_the_runs_containers(
    app: AppUnderTest, anthropic: FakeAnthropic, prefix: str
) -> None:
    number = host_calc(app.github, CONFIG.replace("rollouts: 2", "rollouts: 1"))
    anthropic.respond_with(Responder(first=["SLEEPER"]))
    async with app.serving():
        await app.deliver("issues", app.payloads.labeled(number))
        assert await wait_for_containers(prefix, present=True, deadline_s=120), "a sandbox ran"
        await app.deliver("issue_comment", app.payloads.comment(number, "/autofix cancel"))
        run = await app.wait_for_run(number, "cancelled", deadline_s=60)
        left = await wait_for_containers(prefix, present=False, deadline_s=30)
    assert left == [], "the run's containers are gone within 30 s of the cancel"
    assert app.pulls() == []
    status = app.status_comments(number)
    assert len(status) == 1 and "cancelled" in status[0]["body"].lower()
    assert run.error and "cancelled by @alice" in run.error
