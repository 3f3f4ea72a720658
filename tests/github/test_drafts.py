"""Taking autofix's draft pull request out of draft through GraphQL, against the fake GitHub."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from githubkit.exception import GraphQLFailed

from app.github import GitHubClients, GitHubRepo, PublishRequest, publish
from tests.fakes.github_fixtures import fake_settings
from tests.fakes.github_server import FakeGitHub
from tests.github.test_publish import FILES, FIX_1, diff_of


async def open_pull(fake: FakeGitHub, repo: GitHubRepo, tmp_path: Path, draft: bool) -> int:
    fake.add_repo("octo", "calc", files=FILES)
    fake.add_issue("octo", "calc", "Median is wrong")
    request = PublishRequest(
        issue_number=1,
        issue_title="Median is wrong",
        patch=diff_of(tmp_path, {"calc/stats.py": FIX_1}),
        body="x",
        draft=draft,
    )
    link = await publish(repo, request)
    [pr] = fake.pulls("octo", "calc")
    assert pr["draft"] is draft
    return link.number


def graphql_posts(fake: FakeGitHub) -> list[str]:
    return [r.path for r in fake.api_requests("POST") if r.path.endswith("graphql")]


async def test_a_draft_pull_request_becomes_ready_for_review(
    fake_github: FakeGitHub, github_clients: GitHubClients, tmp_path: Path
) -> None:
    repo = GitHubRepo(github_clients, 1, "octo", "calc")
    number = await open_pull(fake_github, repo, tmp_path, draft=True)
    hosted = fake_github.state.repo("octo", "calc")
    assert hosted is not None

    assert await repo.mark_ready_for_review(number) is True

    [pr] = fake_github.pulls("octo", "calc")
    assert pr["draft"] is False
    assert fake_github.state.marked_ready == [("octo/calc", number)]
    assert graphql_posts(fake_github) == ["/graphql"]
    info = await repo.get_pull_request(number)
    assert info.node_id == hosted.pull_node_id(number) and info.node_id.startswith("PR_kwDO")
    assert info.draft is False


async def test_a_pull_request_already_ready_needs_no_mutation(
    fake_github: FakeGitHub, github_clients: GitHubClients, tmp_path: Path
) -> None:
    repo = GitHubRepo(github_clients, 1, "octo", "calc")
    number = await open_pull(fake_github, repo, tmp_path, draft=False)

    assert await repo.mark_ready_for_review(number) is True

    assert graphql_posts(fake_github) == []
    assert fake_github.state.marked_ready == []


async def test_a_refusal_is_logged_and_leaves_the_draft(
    fake_github: FakeGitHub,
    github_clients: GitHubClients,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    repo = GitHubRepo(github_clients, 1, "octo", "calc")
    number = await open_pull(fake_github, repo, tmp_path, draft=True)
    fake_github.refuse_ready_for_review = True

    with caplog.at_level(logging.WARNING, logger="app.github.drafts"):
        assert await repo.mark_ready_for_review(number) is False

    [pr] = fake_github.pulls("octo", "calc")
    assert pr["draft"] is True and fake_github.state.marked_ready == []
    assert "FORBIDDEN: Resource not accessible by integration" in caplog.text
    assert f"octo/calc#{number}" in caplog.text


async def test_a_missing_pull_request_is_a_refusal_not_an_error(
    fake_github: FakeGitHub, github_clients: GitHubClients, caplog: pytest.LogCaptureFixture
) -> None:
    fake_github.add_repo("octo", "calc", files=FILES)
    repo = GitHubRepo(github_clients, 1, "octo", "calc")

    with caplog.at_level(logging.WARNING, logger="app.github.drafts"):
        assert await repo.mark_ready_for_review(41) is False

    assert "octo/calc#41" in caplog.text and graphql_posts(fake_github) == []


async def test_an_unknown_node_id_is_a_graphql_not_found(
    fake_github: FakeGitHub, github_clients: GitHubClients, tmp_path: Path
) -> None:
    repo = GitHubRepo(github_clients, 1, "octo", "calc")
    await open_pull(fake_github, repo, tmp_path, draft=True)
    mutation = (
        "mutation($id: ID!) { markPullRequestReadyForReview(input: {pullRequestId: $id})"
        " { pullRequest { isDraft } } }"
    )

    with pytest.raises(GraphQLFailed) as failed:
        await github_clients.installation(1).async_graphql(mutation, {"id": "PR_kwDOnothing"})

    [error] = failed.value.response.errors or []
    assert (error.type, error.path) == ("NOT_FOUND", ["markPullRequestReadyForReview"])
    assert "PR_kwDOnothing" in error.message
    assert failed.value.response.data == {"markPullRequestReadyForReview": None}
    assert fake_github.pulls("octo", "calc")[0]["draft"] is True


async def test_ghes_sends_the_mutation_beside_the_rest_root(
    tmp_path: Path, app_keys: tuple[str, str]
) -> None:
    with FakeGitHub(tmp_path / "ghes", ghes=True, app_public_key=app_keys[1]) as fake:
        async with GitHubClients(fake_settings(fake, app_keys[0])) as clients:
            repo = GitHubRepo(clients, 1, "octo", "calc")
            number = await open_pull(fake, repo, tmp_path, draft=True)
            assert await repo.mark_ready_for_review(number) is True
        assert fake.pulls("octo", "calc")[0]["draft"] is False
        assert graphql_posts(fake) == ["/api/graphql"]
