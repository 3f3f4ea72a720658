"""Publishing never overwrites commits autofix did not push, nor maintainers' PR text."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from app.github import BranchMoved, GitHubClients, GitHubRepo, PublishRequest, publish
from tests.fakes.github_server import FakeGitHub
from tests.github.test_publish import FILES, FIX_1, FIX_2, diff_of

BRANCH = "autofix/issue-1"
MAINTAINER_FILE = {"NOTES.md": "kept by a maintainer\n"}


@pytest.fixture
def repo(fake_github: FakeGitHub, github_clients: GitHubClients) -> GitHubRepo:
    fake_github.add_repo("octo", "calc", files=FILES)
    fake_github.add_issue("octo", "calc", "Median is wrong")
    return GitHubRepo(github_clients, 1, "octo", "calc")


def request(patch: str, **more: object) -> PublishRequest:
    return PublishRequest(
        issue_number=1, issue_title="Median is wrong", patch=patch, body="ours", **more
    )


async def test_a_maintainers_commit_on_the_branch_is_never_overwritten(
    fake_github: FakeGitHub, repo: GitHubRepo, tmp_path: Path
) -> None:
    first = await publish(repo, request(diff_of(tmp_path, {"calc/stats.py": FIX_1})))
    theirs = fake_github.advance_branch("octo", "calc", BRANCH, MAINTAINER_FILE)

    with pytest.raises(BranchMoved) as caught:
        await publish(
            repo, request(diff_of(tmp_path, {"calc/stats.py": FIX_2}), lease=first.head_sha)
        )

    assert fake_github.branches("octo", "calc")[BRANCH] == theirs
    assert fake_github.file_at("octo", "calc", BRANCH, "NOTES.md") == "kept by a maintainer\n"
    assert "/autofix refine" in str(caught.value) and BRANCH in str(caught.value)


async def test_without_a_record_of_the_last_push_foreign_commits_still_block(
    fake_github: FakeGitHub, repo: GitHubRepo, tmp_path: Path
) -> None:
    await publish(repo, request(diff_of(tmp_path, {"calc/stats.py": FIX_1})))
    theirs = fake_github.advance_branch("octo", "calc", BRANCH, MAINTAINER_FILE)

    with pytest.raises(BranchMoved):
        await publish(repo, request(diff_of(tmp_path, {"calc/stats.py": FIX_2})))

    assert fake_github.branches("octo", "calc")[BRANCH] == theirs


async def test_a_branch_moved_since_the_last_push_is_left_alone_even_by_autofix_commits(
    fake_github: FakeGitHub, repo: GitHubRepo, tmp_path: Path
) -> None:
    first = await publish(repo, request(diff_of(tmp_path, {"calc/stats.py": FIX_1})))
    other = await publish(repo, request(diff_of(tmp_path, {"calc/stats.py": FIX_2})))

    with pytest.raises(BranchMoved):
        await publish(
            repo, request(diff_of(tmp_path, {"calc/stats.py": FIX_1}), lease=first.head_sha)
        )

    assert fake_github.branches("octo", "calc")[BRANCH] == other.head_sha


async def test_building_on_the_maintainers_head_adds_a_commit_on_top(
    fake_github: FakeGitHub, repo: GitHubRepo, tmp_path: Path
) -> None:
    first = await publish(repo, request(diff_of(tmp_path, {"calc/stats.py": FIX_1})))
    theirs = fake_github.advance_branch("octo", "calc", BRANCH, MAINTAINER_FILE)
    # A refinement made against the branch as it is now (FIX_1 and the maintainer's file).
    patch = _diff("calc/stats.py", FIX_1, FIX_2)

    published = await publish(repo, request(patch, lease=first.head_sha, base_sha=theirs))

    bare = fake_github.state.repos["octo/calc"]
    assert published.pushed and bare.last_commit(f"{BRANCH}~1") == theirs
    assert fake_github.file_at("octo", "calc", BRANCH, "NOTES.md") == "kept by a maintainer\n"
    assert fake_github.file_at("octo", "calc", BRANCH, "calc/stats.py") == FIX_2


async def test_maintainers_title_and_text_outside_autofix_section_are_kept(
    fake_github: FakeGitHub, repo: GitHubRepo, tmp_path: Path
) -> None:
    first = await publish(repo, request(diff_of(tmp_path, {"calc/stats.py": FIX_1})))
    pr = fake_github.state.pulls[("octo/calc", first.number)]
    pr["title"] = "Median: handle even lengths"
    pr["body"] = f"Reviewed, see #7.\n\n{pr['body']}\n\nTODO: docs"

    await publish(
        repo,
        PublishRequest(
            issue_number=1,
            issue_title="Median is wrong",
            patch=diff_of(tmp_path, {"calc/stats.py": FIX_2}),
            body="refined",
            lease=first.head_sha,
        ),
    )

    [after] = fake_github.pulls("octo", "calc")
    assert after["title"] == "Median: handle even lengths"
    assert after["body"] == (
        "Reviewed, see #7.\n\n<!-- autofix:begin -->\nrefined\n<!-- autofix:end -->\n\nTODO: docs"
    )


def _diff(path: str, old: str, new: str) -> str:
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{path}", f"b/{path}"
    )
    return f"diff --git a/{path} b/{path}\n" + "".join(lines)
