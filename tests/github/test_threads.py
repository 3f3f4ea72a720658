"""Unresolved review threads through githubkit's GraphQL call against the fake GitHub."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from app.github import GitHubClients, GitHubError, GitHubRepo, ReviewThreadInfo, ThreadCommentInfo
from app.github.pacing import is_write
from tests.fakes.github_fixtures import fake_settings
from tests.fakes.github_server import FakeGitHub


def scene(fake: FakeGitHub) -> None:
    fake.add_repo("octo", "calc")
    add = fake.add_review_thread
    add("octo", "calc", 7, "calc.py", [("alice", "Use a heap"), ("bob", "agreed")], line=3)
    add("octo", "calc", 7, "calc.py", [("alice", "typo")], line=9, resolved=True)
    add("octo", "calc", 7, "old.py", [("alice", "stale")], line=4, outdated=True)
    add("octo", "calc", 7, "calc.py", [("lint[bot]", "style nit")], line=5)
    add("octo", "calc", 7, "README.md", [("lint[bot]", "nit"), ("carol", "fix docs")], line=None)
    add("octo", "calc", 8, "calc.py", [("alice", "another PR")], line=1)


EXPECTED = [
    ReviewThreadInfo(
        path="calc.py",
        line=3,
        comments=(
            ThreadCommentInfo(author="alice", body="Use a heap"),
            ThreadCommentInfo(author="bob", body="agreed"),
        ),
    ),
    ReviewThreadInfo(
        path="README.md", line=None, comments=(ThreadCommentInfo(author="carol", body="fix docs"),)
    ),
]


async def test_only_unresolved_current_human_threads_are_listed(
    fake_github: FakeGitHub, github_clients: GitHubClients
) -> None:
    scene(fake_github)
    threads = await GitHubRepo(github_clients, 1, "octo", "calc").list_unresolved_review_threads(7)
    assert threads == EXPECTED
    assert threads[0].author == "alice"
    posts = [r for r in fake_github.api_requests("POST") if r.path == "/graphql"]
    assert len(posts) == 1 and posts[0].status == 200 and posts[0].auth == "token"


async def test_a_missing_pull_request_is_a_readable_error(
    fake_github: FakeGitHub, github_clients: GitHubClients
) -> None:
    fake_github.add_repo("octo", "calc")
    repo = GitHubRepo(github_clients, 1, "octo", "calc")
    with pytest.raises(GitHubError, match="octo/calc#41"):
        await repo.list_unresolved_review_threads(41)


async def test_ghes_queries_graphql_beside_the_rest_root(
    tmp_path: Path, app_keys: tuple[str, str]
) -> None:
    with FakeGitHub(tmp_path / "ghes", ghes=True, app_public_key=app_keys[1]) as fake:
        scene(fake)
        async with GitHubClients(fake_settings(fake, app_keys[0])) as clients:
            threads = await GitHubRepo(clients, 1, "octo", "calc").list_unresolved_review_threads(7)
    assert threads == EXPECTED
    assert [r.path for r in fake.api_requests("POST") if "graphql" in r.path] == ["/api/graphql"]


def test_graphql_queries_are_not_paced_as_writes() -> None:
    def post(path: str, query: str) -> httpx.Request:
        return httpx.Request("POST", f"https://ghe.example{path}", json={"query": query})

    assert not is_write(post("/api/graphql", "query { viewer { login } }"))
    assert is_write(post("/graphql", "mutation { resolveReviewThread }"))
    assert is_write(post("/repos/o/r/issues/1/comments", "{}"))
    assert not is_write(httpx.Request("GET", "https://api.github.com/repos/o/r"))
