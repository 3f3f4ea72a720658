"""The App end to end with the real engine: a signed label -> Docker rollouts -> one PR; a review
-> a refinement seeded with the winner's summary -> the same PR; cancel reaps the containers."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from sandbox.pool import POOL_LABEL
from tests.app.docker_app import (
    CONFIG,
    docker_app,
    host_calc,
    remove_containers,
    unique_prefix,
    wait_for_containers,
)
from tests.app.harness import SECRET, AppUnderTest
from tests.fakes.anthropic_server import FakeAnthropic
from tests.fakes.github_server import FakeGitHub
from tests.fakes.personas import Script, approach

pytestmark = pytest.mark.docker
ROOT = Path(__file__).resolve().parents[2]


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
    script = Script(
        round0=["WRONG", "CORRECT"],
        refine=["POLISHED", "POLISHED"],
        judge_prefers=("WRONG", "CORRECT", "POLISHED"),
    )
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
    # The recorder passed into the engine kept every rollout's patch, for `/autofix pick`.
    result = await app.store.get_result(run.id)
    assert result is not None and len(result.rollouts) == 2
    for rollout in result.rollouts:
        assert await app.store.get_patch(run.id, rollout.id), rollout.id
    # The worker's metrics saw real sandboxes start and end, and timed every rollout.
    registry = app.metrics.registry
    for purpose in ("rollout", "baseline", "candidate", "holdout"):
        started = registry.get_sample_value(
            "autofix_sandbox_start_seconds_count", {"purpose": purpose}
        )
        assert started, purpose
    assert registry.get_sample_value("autofix_sandbox_run_seconds_count", {"purpose": "rollout"})
    assert registry.get_sample_value("autofix_rollout_seconds_count")
    assert registry.get_sample_value("autofix_runs_total", {"status": "resolved"}) == 1

    pr = pulls[0]
    # A maintainer pushes to the PR before reviewing (a note, and a header on the fixed
    # module that the refinement rewrites): the refinement must build on their commit.
    fixed = app.github.file_at("octo", "calc", branch, "calc/stats.py") or ""
    theirs = app.github.advance_branch(
        "octo",
        "calc",
        branch,
        {"NOTES.md": "maintainer's\n", "calc/stats.py": f"# Reviewed.\n{fixed}"},
    )
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
    assert app.github.file_at("octo", "calc", branch, "NOTES.md") == "maintainer's\n"
    assert app.github.state.repos["octo/calc"].last_commit(f"{branch}~1") == theirs


async def test_cancel_removes_the_runs_containers(
    app: AppUnderTest, anthropic: FakeAnthropic, prefix: str
) -> None:
    number = host_calc(app.github, CONFIG.replace("rollouts: 2", "rollouts: 1"))
    anthropic.respond_with(Script(round0=["SLEEPER"]))
    async with app.serving():
        await app.deliver("issues", app.payloads.labeled(number))
        assert await wait_for_containers(prefix, present=True, deadline_s=120), "a sandbox ran"
        # The rollout's sandbox comes from the run's pool and carries the run's scope too.
        assert await wait_for_containers(prefix, present=True, deadline_s=120, label=POOL_LABEL)
        await app.deliver("issue_comment", app.payloads.comment(number, "/autofix cancel"))
        run = await app.wait_for_run(number, "cancelled", deadline_s=60)
        left = await wait_for_containers(prefix, present=False, deadline_s=30)
    assert left == [], "the run's containers are gone within 30 s of the cancel"
    assert app.pulls() == []
    status = app.status_comments(number)
    assert len(status) == 1 and "cancelled" in status[0]["body"].lower()
    assert run.error and "cancelled by @alice" in run.error


@contextlib.contextmanager
def worker_process(
    app: AppUnderTest, anthropic: FakeAnthropic, prefix: str, log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """`autofix worker` in its own process, configured only through the environment contract."""
    # Nothing autofix reads may leak in from the shell that runs the tests.
    inherited = {
        k: v for k, v in os.environ.items() if not k.startswith(("AUTOFIX_", "ANTHROPIC_"))
    }
    env = {
        **inherited,
        "AUTOFIX_GITHUB_APP_ID": str(app.github.app_id),
        "AUTOFIX_GITHUB_PRIVATE_KEY": app.key_pem,
        "AUTOFIX_WEBHOOK_SECRET": SECRET,
        "AUTOFIX_GITHUB_API_URL": app.github.api_url,
        "AUTOFIX_REDIS_URL": app.redis_url,
        "AUTOFIX_DATABASE_URL": app.db_url,
        "AUTOFIX_SANDBOX_SCOPE": prefix,
        "AUTOFIX_WORK_DIR": str(app.work / "killed-worker"),
        "ANTHROPIC_API_KEY": "sk-ant-test-fake",
        "ANTHROPIC_BASE_URL": anthropic.base_url,
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "worker"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=30)


async def test_a_worker_killed_mid_run_leaves_one_failure_comment_and_no_containers(
    app: AppUnderTest, anthropic: FakeAnthropic, prefix: str, tmp_path: Path
) -> None:
    number = host_calc(app.github, CONFIG.replace("rollouts: 2", "rollouts: 1"))
    anthropic.respond_with(Script(round0=["SLEEPER"]))
    log = tmp_path / "worker.log"
    with worker_process(app, anthropic, prefix, log) as process:
        await app.deliver("issues", app.payloads.labeled(number))
        started = await wait_for_containers(prefix, present=True, deadline_s=120)
        assert started, log.read_text()
        await app.wait_for_run(number, "running", deadline_s=10)
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
    assert await wait_for_containers(prefix, present=True, deadline_s=0), "orphans remain"

    async with app.serving():  # a new worker: its recovery sweep finds the orphaned run
        run = await app.wait_for_run(number, "failed", deadline_s=90)
        left = await wait_for_containers(prefix, present=False, deadline_s=30)
    assert left == [], "the dead run's containers were reaped"
    assert run.error == "the worker stopped mid-run"
    assert app.pulls() == []
    status = app.status_comments(number)
    assert len(status) == 1, "one status comment in total"
    assert "/autofix retry" in status[0]["body"]
