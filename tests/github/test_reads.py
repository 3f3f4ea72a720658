"""Reading through the real githubkit client from the fake GitHub."""

from __future__ import annotations

from app.github import GitHubClients, GitHubRepo
from tests.fakes.github_server import FakeGitHub


def repo_of(clients: GitHubClients, owner: str = "octo", name: str = "calc") -> GitHubRepo:
    return GitHubRepo(clients, 1, owner, name)


async def test_repository_and_issue(fake_github: FakeGitHub, github_clients: GitHubClients) -> None:
    fake_github.add_repo("octo", "calc", files={"README.md": "hi\n"}, default_branch="trunk")
    number = fake_github.add_issue("octo", "calc", "Median is wrong", "It breaks on even lists.")
    repo = repo_of(github_clients)

    info = await repo.get_repository()
    issue = await repo.get_issue(number)

    assert info.default_branch == "trunk"
    assert info.clone_url == f"{fake_github.git_url}/octo/calc.git"
    assert (issue.title, issue.body, issue.labels) == (
        "Median is wrong",
        "It breaks on even lists.",
        ("autofix",),
    )
    assert not issue.is_pull_request


async def test_write_roles_may_trigger_and_readers_may_not(
    fake_github: FakeGitHub, github_clients: GitHubClients
) -> None:
    fake_github.add_repo("octo", "calc")
    for user, level in [("wendy", "write"), ("mo", "maintain"), ("ada", "admin"), ("rita", "read")]:
        fake_github.set_permission(user, level)
    fake_github.set_permission("tri", "triage")
    repo = repo_of(github_clients)

    allowed = {
        u: await repo.can_trigger(u) for u in ["wendy", "mo", "ada", "rita", "tri", "nobody"]
    }

    assert allowed == {
        "wendy": True,
        "mo": True,
        "ada": True,
        "rita": False,
        "tri": False,
        "nobody": False,
    }
    assert await repo.get_permission("mo") == "maintain"
    assert await repo.get_permission("nobody") == "none"


async def test_config_comes_from_the_repository_first(
    fake_github: FakeGitHub, github_clients: GitHubClients
) -> None:
    fake_github.add_repo("octo", "calc", files={".github/autofix.yml": "rollouts: 2\n"})
    fake_github.add_repo("octo", ".github", files={".github/autofix.yml": "rollouts: 8\n"})

    found = await repo_of(github_clients).get_config_file()

    assert found is not None
    assert (found.text, found.source) == ("rollouts: 2\n", "octo/calc:.github/autofix.yml")


async def test_config_falls_back_to_the_owners_dot_github_repository(
    fake_github: FakeGitHub, github_clients: GitHubClients
) -> None:
    fake_github.add_repo("octo", "calc", files={"README.md": "x\n"})
    fake_github.add_repo("octo", ".github", files={"autofix.yml": "votes: 4\n"})

    found = await repo_of(github_clients).get_config_file()

    assert found is not None
    assert (found.text, found.source) == ("votes: 4\n", "octo/.github:autofix.yml")


async def test_missing_config_is_none(
    fake_github: FakeGitHub, github_clients: GitHubClients
) -> None:
    fake_github.add_repo("octo", "calc", files={"README.md": "x\n"})

    assert await repo_of(github_clients).get_config_file() is None
    assert await repo_of(github_clients).get_file("README.md") == "x\n"
    assert await repo_of(github_clients).get_file("README.md", ref="no-such-branch") is None


async def test_all_comment_pages_are_read(
    fake_github: FakeGitHub, github_clients: GitHubClients
) -> None:
    fake_github.add_repo("octo", "calc")
    number = fake_github.add_issue("octo", "calc", "Bug")
    fake_github.max_per_page = 4
    repo = repo_of(github_clients)
    for i in range(10):
        await repo.create_comment(number, f"comment {i}")

    comments = await repo.list_issue_comments(number)

    assert [c.body for c in comments] == [f"comment {i}" for i in range(10)]
    assert all(c.author_is_bot for c in comments)


async def test_review_comments_of_one_review(
    fake_github: FakeGitHub, github_clients: GitHubClients
) -> None:
    fake_github.add_repo("octo", "calc")
    fake_github.add_review_comments(
        "octo", "calc", 7, 99, [{"body": "use a tuple", "path": "calc/stats.py", "line": 3}]
    )
    fake_github.add_review_comments("octo", "calc", 7, 100, [{"body": "other", "path": "x.py"}])

    comments = await repo_of(github_clients).list_review_comments(7, 99)

    assert [(c.body, c.path, c.line, c.author) for c in comments] == [
        ("use a tuple", "calc/stats.py", 3, "alice")
    ]
