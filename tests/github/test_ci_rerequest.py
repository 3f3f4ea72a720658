"""Re-requesting another CI app's check run through the real client against the fake CI."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from app.github import GitHubClients, GitHubRepo
from tests.fakes.github_server import FakeGitHub
from tests.github.test_publish import FILES

CIRCLE: dict[str, Any] = {"id": 9001, "slug": "circle-ci", "name": "CircleCI"}


def pushed(fake: FakeGitHub, clients: GitHubClients) -> tuple[GitHubRepo, str]:
    """A maintainer's push to main, after which every job of the fake CI has finished."""
    fake.add_repo("octo", "calc", files=FILES)
    sha = fake.advance_branch("octo", "calc", "main", {"NOTES.md": "a change\n"})
    fake.ci.wait()
    return GitHubRepo(clients, 1, "octo", "calc"), sha


async def test_another_apps_failed_check_run_is_rerequested_as_a_new_run_of_the_same_name(
    fake_github: FakeGitHub, github_clients: GitHubClients
) -> None:
    fake_github.ci.refuse_rerequests = False  # what would happen if GitHub accepted
    fake_github.ci.run_on_push("lint", "echo 'E501 line too long' >&2; exit 1", app=CIRCLE)
    repo, sha = pushed(fake_github, github_clients)
    events: list[tuple[str, str, int]] = []
    fake_github.ci.webhook = lambda event, p: events.append(
        (event, p["action"], p["check_run"]["app"]["id"])
    )
    [failed] = (await repo.ci_snapshot(sha, own_app_id=fake_github.app_id)).checks
    assert (failed.name, failed.state, failed.app_id, failed.actions_job) == (
        "lint",
        "failure",
        CIRCLE["id"],
        False,
    )
    assert failed.check_run_id is not None and "E501" in failed.output
    # Not an Actions job: no log, and the Actions re-run refuses it.
    assert await repo.actions_job_log(failed.check_run_id) is None
    assert await repo.rerun_actions_job(failed.check_run_id) is False

    assert await repo.rerequest_check_run(failed.check_run_id) is True
    fake_github.ci.wait()

    after = (await repo.ci_snapshot(sha, own_app_id=fake_github.app_id)).checks
    assert [(c.name, c.state, c.app_id) for c in after] == [
        ("lint", "failure", CIRCLE["id"]),
        ("lint", "failure", CIRCLE["id"]),
    ]
    assert after[1].check_run_id is not None and after[1].check_run_id > failed.check_run_id
    assert fake_github.ci.rerequests == [failed.check_run_id]
    assert fake_github.ci.reruns == []
    assert fake_github.ci.ran == [("lint", sha, "failure"), ("lint", sha, "failure")]
    # autofix hears about the new run; `rerequested` goes only to the app that owns the check.
    assert events == [("check_run", "created", 9001), ("check_run", "completed", 9001)]


async def test_a_flaky_check_of_another_app_passes_when_rerequested(
    fake_github: FakeGitHub, github_clients: GitHubClients
) -> None:
    fake_github.ci.refuse_rerequests = False
    fake_github.ci.run_on_push("browser", "true", app=CIRCLE, flaky_failures=1)
    repo, sha = pushed(fake_github, github_clients)
    [failed] = (await repo.ci_snapshot(sha, own_app_id=fake_github.app_id)).checks
    assert failed.state == "failure" and failed.check_run_id is not None

    assert await repo.rerequest_check_run(failed.check_run_id) is True
    fake_github.ci.wait()

    after = (await repo.ci_snapshot(sha, own_app_id=fake_github.app_id)).checks
    assert [(c.name, c.state) for c in after] == [("browser", "failure"), ("browser", "success")]
    assert after[1].url is not None and "/_ci/circle-ci/" in after[1].url


async def test_a_refused_rerequest_returns_false_and_says_why(
    fake_github: FakeGitHub, github_clients: GitHubClients, caplog: pytest.LogCaptureFixture
) -> None:
    fake_github.ci.run_on_push("lint", "exit 1", app=CIRCLE)
    repo, sha = pushed(fake_github, github_clients)
    [failed] = (await repo.ci_snapshot(sha, own_app_id=fake_github.app_id)).checks
    assert failed.check_run_id is not None
    # GitHub's documented answer for another App's check run is the fake's default.

    with caplog.at_level(logging.WARNING, logger="app.github.ci_reads"):
        assert await repo.rerequest_check_run(failed.check_run_id) is False
        assert await repo.rerequest_check_run(99_999_999) is False

    assert fake_github.ci.rerequests == [] and len(fake_github.ci.ran) == 1
    assert f"check run {failed.check_run_id} in octo/calc" in caplog.text
    assert "Resource not accessible by integration" in caplog.text
    statuses = [r.status for r in fake_github.api_requests("POST") if "rerequest" in r.path]
    assert statuses == [403, 404]


async def test_an_actions_check_run_is_rerun_through_actions_not_rerequested(
    fake_github: FakeGitHub, github_clients: GitHubClients
) -> None:
    fake_github.ci.run_on_push("tests", "exit 1")
    repo, sha = pushed(fake_github, github_clients)
    [failed] = (await repo.ci_snapshot(sha, own_app_id=fake_github.app_id)).checks
    assert failed.actions_job and failed.check_run_id is not None

    assert await repo.rerequest_check_run(failed.check_run_id) is False
    assert fake_github.ci.rerequests == [] and len(fake_github.ci.ran) == 1

    assert await repo.rerun_actions_job(failed.check_run_id) is True
    fake_github.ci.wait()
    assert fake_github.ci.reruns == [failed.check_run_id] and len(fake_github.ci.ran) == 2


async def test_autofix_own_check_run_rerequested_is_only_announced_back_to_autofix(
    fake_github: FakeGitHub, github_clients: GitHubClients
) -> None:
    repo, sha = pushed(fake_github, github_clients)
    own = await repo.create_check_run(sha, "autofix", status="completed", conclusion="failure")
    events: list[tuple[str, str, int]] = []
    fake_github.ci.webhook = lambda event, p: events.append(
        (event, p["action"], p["check_run"]["app"]["id"])
    )

    assert await repo.rerequest_check_run(own.id) is True

    assert events == [("check_run", "rerequested", fake_github.app_id)]
    assert fake_github.ci.rerequests == [own.id] and fake_github.ci.ran == []
