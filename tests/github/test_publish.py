"""Publishing end to end: real git over smart HTTP into the fake, then the pull request."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from app.github import GitError, GitHubClients, GitHubRepo, PatchRejected, PublishRequest, publish
from tests.fakes.github_server import FakeGitHub

FILES = {"calc/stats.py": "def median(xs):\n    return sorted(xs)[len(xs) // 2]\n"}
FIX_1 = "def median(xs):\n    s = sorted(xs)\n    return s[len(s) // 2]\n"
FIX_2 = "def median(xs):\n    s = sorted(xs)\n    n = len(s)\n    return (s[n // 2] + s[~(n // 2)]) / 2\n"  # noqa: E501
GIT_ENV = {"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "PATH": "/usr/bin:/bin"}


def diff_of(tmp_path: Path, new_files: dict[str, str]) -> str:
    """A `git diff` taking FILES to `new_files`, as a rollout would produce it."""
    work = tmp_path / f"work-{len(list(tmp_path.iterdir()))}"
    work.mkdir()

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=work, env=GIT_ENV, check=True, capture_output=True, text=True
        ).stdout

    for files in (FILES, new_files):
        for rel, text in files.items():
            (work / rel).parent.mkdir(parents=True, exist_ok=True)
            (work / rel).write_text(text)
        if files is FILES:
            git("init", "-q")
            git("add", "-A")
            git("-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "base")
    git("add", "-A")
    return git("diff", "--cached")


@pytest.fixture
def repo(fake_github: FakeGitHub, github_clients: GitHubClients) -> GitHubRepo:
    fake_github.add_repo("octo", "calc", files=FILES)
    fake_github.add_issue("octo", "calc", "Median is wrong")
    return GitHubRepo(github_clients, 1, "octo", "calc")


def request(patch: str, body: str = "## Summary\nFixed median.") -> PublishRequest:
    return PublishRequest(issue_number=1, issue_title="Median is wrong", patch=patch, body=body)


async def test_publish_pushes_the_branch_and_opens_a_draft(
    fake_github: FakeGitHub, repo: GitHubRepo, tmp_path: Path
) -> None:
    result = await publish(repo, request(diff_of(tmp_path, {"calc/stats.py": FIX_1})))

    [pr] = fake_github.pulls("octo", "calc")
    assert (pr["title"], pr["body"], pr["draft"], pr["head"]["ref"], pr["base"]["ref"]) == (
        "Fix #1: Median is wrong",
        "<!-- autofix:begin -->\n## Summary\nFixed median.\n<!-- autofix:end -->",
        True,
        "autofix/issue-1",
        "main",
    )
    assert (result.number, result.created, result.pushed) == (pr["number"], True, True)
    fetched = await repo.get_pull_request(result.number)
    assert (fetched.head_ref, fetched.head_sha, fetched.draft) == (
        "autofix/issue-1",
        result.head_sha,
        True,
    )
    assert result.url == fetched.html_url
    assert fake_github.branches("octo", "calc")["autofix/issue-1"] == result.head_sha
    assert fake_github.file_at("octo", "calc", "autofix/issue-1", "calc/stats.py") == FIX_1
    author = fake_github.state.repos["octo/calc"].last_commit("autofix/issue-1", "%an <%ae>|%s")
    assert author == "autofix[bot] <autofix[bot]@users.noreply.github.com>|Fix #1: Median is wrong"


async def test_republishing_the_same_patch_changes_nothing(
    fake_github: FakeGitHub, repo: GitHubRepo, tmp_path: Path
) -> None:
    patch = diff_of(tmp_path, {"calc/stats.py": FIX_1})
    first = await publish(repo, request(patch))
    pushes_before = _pushes(fake_github)

    second = await publish(repo, request(patch))

    assert (second.number, second.head_sha) == (first.number, first.head_sha)
    assert (second.created, second.pushed) == (False, False)
    assert len(fake_github.pulls("octo", "calc")) == 1
    assert _pushes(fake_github) == pushes_before


async def test_a_new_patch_updates_the_branch_and_the_same_pr(
    fake_github: FakeGitHub, repo: GitHubRepo, tmp_path: Path
) -> None:
    first = await publish(repo, request(diff_of(tmp_path, {"calc/stats.py": FIX_1})))

    second = await publish(
        repo, request(diff_of(tmp_path, {"calc/stats.py": FIX_2}), body="refined after review")
    )

    assert second.number == first.number
    assert second.head_sha != first.head_sha and second.pushed
    [pr] = fake_github.pulls("octo", "calc")
    assert pr["body"] == "<!-- autofix:begin -->\nrefined after review\n<!-- autofix:end -->"
    assert fake_github.file_at("octo", "calc", "autofix/issue-1", "calc/stats.py") == FIX_2


async def test_already_exists_answer_reuses_the_open_pr(
    fake_github: FakeGitHub, repo: GitHubRepo, tmp_path: Path
) -> None:
    first = await publish(repo, request(diff_of(tmp_path, {"calc/stats.py": FIX_1})))
    # Another worker's pull request is not visible yet when this one looks for it.
    fake_github.fail("GET", r"/pulls$", status=200, body=[])

    second = await publish(repo, request(diff_of(tmp_path, {"calc/stats.py": FIX_2})))

    assert (second.number, second.created) == (first.number, False)
    assert len(fake_github.pulls("octo", "calc")) == 1
    assert [r.status for r in fake_github.api_requests("POST") if r.path.endswith("/pulls")] == [
        201,
        422,
    ]


async def test_repositories_without_drafts_get_a_ready_pr(
    fake_github: FakeGitHub, repo: GitHubRepo, tmp_path: Path
) -> None:
    fake_github.drafts_supported = False

    await publish(repo, request(diff_of(tmp_path, {"calc/stats.py": FIX_1})))

    [pr] = fake_github.pulls("octo", "calc")
    assert pr["draft"] is False


async def test_rejected_patch_touches_nothing(
    fake_github: FakeGitHub, repo: GitHubRepo, tmp_path: Path
) -> None:
    patch = diff_of(tmp_path, {".github/workflows/ci.yml": "on: push\n"})

    with pytest.raises(PatchRejected, match="workflow"):
        await publish(repo, request(patch))

    assert list(fake_github.branches("octo", "calc")) == ["main"]
    assert not [r for r in fake_github.requests if r.kind == "git"]


async def test_a_stale_patch_fails_without_showing_the_token(
    fake_github: FakeGitHub, repo: GitHubRepo
) -> None:
    stale = (
        "diff --git a/calc/stats.py b/calc/stats.py\n--- a/calc/stats.py\n+++ b/calc/stats.py\n"
        "@@ -1,2 +1,2 @@\n def mean(xs):\n-    return 0\n+    return 1\n"
    )
    token = await repo.installation_token()

    with pytest.raises(GitError, match="no longer applies") as caught:
        await publish(repo, request(stale))

    assert token not in str(caught.value)
    assert fake_github.pulls("octo", "calc") == []


async def test_patch_is_built_on_the_commit_it_was_made_for(
    fake_github: FakeGitHub, repo: GitHubRepo, tmp_path: Path
) -> None:
    hosted = fake_github.state.repos["octo/calc"]
    base_sha = hosted.last_commit("main")
    patch = diff_of(tmp_path, {"calc/stats.py": FIX_1})
    fake_github.advance_branch("octo", "calc", "main", {"calc/stats.py": "# rewritten\n"})

    result = await publish(
        repo,
        PublishRequest(
            issue_number=1, issue_title="Median", patch=patch, body="b", base_sha=base_sha
        ),
    )

    assert hosted.last_commit(result.head_sha, "%P") == base_sha
    assert fake_github.file_at("octo", "calc", "autofix/issue-1", "calc/stats.py") == FIX_1
    with pytest.raises(GitError, match="no longer applies"):
        await publish(repo, request(patch))


def test_git_over_http_needs_a_live_installation_token(
    fake_github: FakeGitHub, tmp_path: Path
) -> None:
    fake_github.add_repo("octo", "calc", files=FILES)
    token, _ = fake_github.mint_token(1)
    host = fake_github.git_url.removeprefix("http://")

    def clone(password: str, into: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["git", "clone", f"http://x-access-token:{password}@{host}/octo/calc.git", into],
            cwd=tmp_path,
            env={**GIT_ENV, "GIT_TERMINAL_PROMPT": "0"},
            capture_output=True,
            text=True,
            check=False,
        )

    assert "Authentication failed" in clone("ghs_wrong", "a").stderr
    assert clone(token, "b").returncode == 0
    assert (tmp_path / "b" / "calc" / "stats.py").read_text() == FILES["calc/stats.py"]


def _pushes(fake: FakeGitHub) -> int:
    return len([r for r in fake.requests if r.kind == "git" and "receive-pack" in r.path])
