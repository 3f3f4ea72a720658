"""Publishing a winning patch: validate, apply to a fresh clone, push the branch, open the PR."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from app.github.branch import BranchMoved, read_branch
from app.github.git import Git, GitError
from app.github.models import PullRequestInfo, PullRequestLink, RepoInfo
from app.github.patch_check import ChangedEntry, check_entries, validate_patch

AUTHOR_NAME = "autofix[bot]"
AUTHOR_EMAIL = "autofix[bot]@users.noreply.github.com"


def branch_of(issue_number: int) -> str:
    """autofix's one branch for an issue."""
    return f"autofix/issue-{issue_number}"


class PublishTarget(Protocol):
    """The repository calls publishing makes (`GitHubRepo` fits)."""

    async def get_repository(self) -> RepoInfo: ...
    async def installation_token(self) -> str: ...
    async def ensure_pull_request(
        self,
        *,
        head_branch: str,
        base: str,
        title: str,
        body: str,
        draft: bool = True,
        number: int | None = None,
    ) -> tuple[PullRequestInfo, bool]: ...


class PublishRequest(BaseModel):
    """What to publish for one issue; `body` is the pull request description, rendered."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    issue_number: int
    issue_title: str
    patch: str
    body: str
    draft: bool = True
    base: str | None = None
    """Target branch; None means the repository's default branch."""
    base_sha: str | None = None
    """The commit the patch was made against; the branch is built on it when given, so a
    target branch that moved on since the run started does not stop publishing."""
    lease: str | None = None
    """The commit autofix last pushed to the branch: it is replaced only while still there."""
    rollout_id: str | None = None
    """The candidate being published, recorded with the pull request."""
    pull_number: int | None = None
    """The pull request autofix last published to: updated while open, whatever its base."""
    commit_message: str | None = None
    author_name: str = AUTHOR_NAME
    author_email: str = AUTHOR_EMAIL

    @property
    def branch(self) -> str:
        return branch_of(self.issue_number)

    @property
    def title(self) -> str:
        return f"Fix #{self.issue_number}: {self.issue_title}"


async def publish(
    repo: PublishTarget, request: PublishRequest, *, timeout_s: float = 300.0
) -> PullRequestLink:
    """Push `request.patch` as `autofix/issue-N` and open or update its one pull request.

    Commits on the branch that autofix did not push are never overwritten (`BranchMoved`).
    """
    validate_patch(request.patch)
    info = await repo.get_repository()
    base = request.base or info.default_branch
    token = await repo.installation_token()
    with tempfile.TemporaryDirectory(prefix="autofix-publish-") as tmp:
        git = Git(Path(tmp) / "repo", token, timeout_s=timeout_s)
        head_sha, pushed = await _push(git, info.clone_url, base, request)
    pr, created = await repo.ensure_pull_request(
        head_branch=request.branch,
        base=base,
        title=request.title,
        body=request.body,
        draft=request.draft,
        number=request.pull_number,
    )
    return PullRequestLink(
        number=pr.number,
        url=pr.html_url,
        branch=request.branch,
        head_sha=head_sha,
        rollout_id=request.rollout_id,
        pushed=pushed,
        created=created,
    )


async def _push(git: Git, clone_url: str, base: str, request: PublishRequest) -> tuple[str, bool]:
    branch_ref = f"refs/heads/{request.branch}"
    await git.run(
        "clone",
        "--quiet",
        "--no-tags",
        "--depth=1",
        "--single-branch",
        f"--branch={base}",
        clone_url,
        str(git.workdir),
    )
    if request.base_sha:
        head = (await git.run("rev-parse", "HEAD")).strip()
        if head != request.base_sha:
            await git.run("fetch", "--quiet", "--no-tags", "--depth=1", "origin", request.base_sha)
            await git.run("checkout", "--quiet", "--detach", request.base_sha)
    await _apply(git, request.patch, base)
    tree = (await git.run("write-tree")).strip()
    branch = await read_branch(git, base, request.branch, request.author_email)
    lease = branch.head or ""
    if branch.head:
        if (await git.run("rev-parse", "FETCH_HEAD^{tree}")).strip() == tree:
            return branch.head, False  # the branch already holds exactly this change
        # Building on the branch's own head adds a commit; anything else replaces commits,
        # which is only allowed while they are all autofix's own last push.
        if branch.head != request.base_sha:
            moved = request.lease is not None and branch.head != request.lease
            if moved or branch.foreign is None or branch.foreign:
                raise BranchMoved(request.branch, branch.head, branch.foreign or ())
    identity = {
        "GIT_AUTHOR_NAME": request.author_name,
        "GIT_AUTHOR_EMAIL": request.author_email,
        "GIT_COMMITTER_NAME": request.author_name,
        "GIT_COMMITTER_EMAIL": request.author_email,
    }
    message = request.commit_message or f"{request.title}\n\nResolves #{request.issue_number}.\n"
    await git.run(
        "commit", "--quiet", "--no-verify", "-F", "-", input=message.encode(), env=identity
    )
    head = (await git.run("rev-parse", "HEAD")).strip()
    # The lease makes a push fail if anyone moved the branch since it was read just now.
    await git.run(
        "push",
        "--quiet",
        f"--force-with-lease={branch_ref}:{lease}",
        "origin",
        f"HEAD:{branch_ref}",
    )
    return head, True


async def _apply(git: Git, patch: str, base: str) -> None:
    data = patch if patch.endswith("\n") else patch + "\n"
    try:
        await git.run("apply", "--index", "--whitespace=nowarn", "-", input=data.encode())
    except GitError as exc:
        raise GitError(
            f"the patch no longer applies to {base}; comment `/autofix retry` to run again "
            f"on the current code ({exc})"
        ) from exc
    # Check what git actually staged too: it is the ground truth the textual check approximates.
    check_entries(await staged_entries(git))


async def staged_entries(git: Git) -> list[ChangedEntry]:
    """The index's changes against HEAD, with symlink targets read from their blobs."""
    raw = await git.run("diff", "--cached", "--raw", "-z", "--no-renames", "--no-abbrev", "HEAD")
    fields = raw.split("\0")
    entries: list[ChangedEntry] = []
    for meta, path in zip(fields[0::2], fields[1::2], strict=False):
        if not meta.startswith(":"):
            continue
        _old_mode, new_mode, _old_sha, new_sha, status = meta[1:].split(" ")
        target = None
        if new_mode == "120000" and status != "D":
            target = await git.run("cat-file", "blob", new_sha)
        entries.append(ChangedEntry(path, new_mode if status != "D" else "100644", target))
    if not entries:
        raise GitError("the patch changes nothing once applied; there is nothing to publish")
    return entries
