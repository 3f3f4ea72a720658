"""Comments, reactions and check runs, written through githubkit to the fake GitHub."""

from __future__ import annotations

import asyncio

import pytest

from app.github import GitHubClients, GitHubRepo
from app.github.status_comment import status_marker
from tests.fakes.github_server import FakeGitHub


@pytest.fixture
def repo(fake_github: FakeGitHub, github_clients: GitHubClients) -> GitHubRepo:
    fake_github.add_repo("octo", "calc")
    fake_github.add_issue("octo", "calc", "Median is wrong")
    return GitHubRepo(github_clients, 1, "octo", "calc")


async def test_status_comment_is_edited_in_place(fake_github: FakeGitHub, repo: GitHubRepo) -> None:
    ids = {await repo.upsert_status_comment(1, "run-7", f"step {i}") for i in range(20)}

    comments = fake_github.comments("octo", "calc", 1)
    assert len(ids) == 1
    assert len(comments) == 1
    assert comments[0]["body"] == f"{status_marker('run-7')}\nstep 19"


async def test_concurrent_status_updates_make_one_comment(
    fake_github: FakeGitHub, repo: GitHubRepo
) -> None:
    ids = await asyncio.gather(
        *(repo.upsert_status_comment(1, "run-8", f"step {i}") for i in range(20))
    )

    assert len(set(ids)) == 1
    assert len(fake_github.comments("octo", "calc", 1)) == 1


async def test_status_comment_is_found_again_by_a_new_process(
    fake_github: FakeGitHub, repo: GitHubRepo, github_settings: object
) -> None:
    await repo.create_comment(1, "an unrelated comment")
    first = await repo.upsert_status_comment(1, "run-9", "queued")
    # A user quoting the marker must not hijack the status comment.
    fake_github.state.comments[first]["user"] = fake_github.shapes.user("mallory")
    async with GitHubClients(repo.clients.settings) as fresh:
        second = await GitHubRepo(fresh, 1, "octo", "calc").upsert_status_comment(1, "run-9", "x")
    fake_github.state.comments[first]["user"] = fake_github.bot_user
    async with GitHubClients(repo.clients.settings) as fresh:
        third = await GitHubRepo(fresh, 1, "octo", "calc").upsert_status_comment(1, "run-9", "y")

    assert second != first
    assert third == first
    assert [c["body"].splitlines()[-1] for c in fake_github.comments("octo", "calc", 1)] == [
        "an unrelated comment",
        "y",
        "x",
    ]


async def test_deleted_status_comment_is_posted_again(
    fake_github: FakeGitHub, repo: GitHubRepo
) -> None:
    first = await repo.upsert_status_comment(1, "run-10", "one")
    del fake_github.state.comments[first]
    del fake_github.state.comment_issue[first]

    second = await repo.upsert_status_comment(1, "run-10", "two")

    assert second != first
    assert [c["body"] for c in fake_github.comments("octo", "calc", 1)] == [
        f"{status_marker('run-10')}\ntwo"
    ]


async def test_eyes_reaction_on_issue_and_comment(
    fake_github: FakeGitHub, repo: GitHubRepo
) -> None:
    comment = await repo.create_comment(1, "/autofix retry")

    await repo.react_to_issue(1)
    await repo.react_to_issue(1)
    await repo.react_to_comment(comment.id)

    assert fake_github.reactions() == [(("issue", 1), "eyes"), (("comment", comment.id), "eyes")]


async def test_check_run_moves_from_in_progress_to_success(
    fake_github: FakeGitHub, repo: GitHubRepo
) -> None:
    sha = "a" * 40
    created = await repo.create_check_run(sha, "autofix", title="Running", summary="4 rollouts")
    updated = await repo.update_check_run(created.id, conclusion="success", summary="resolved")

    assert (created.status, created.conclusion, created.head_sha) == ("in_progress", None, sha)
    assert (updated.status, updated.conclusion) == ("completed", "success")
    [stored] = fake_github.check_runs()
    assert stored["output"]["summary"] == "resolved"


async def test_completed_check_run_needs_a_conclusion(repo: GitHubRepo) -> None:
    with pytest.raises(ValueError, match="conclusion"):
        await repo.create_check_run("b" * 40, "autofix", status="completed")
