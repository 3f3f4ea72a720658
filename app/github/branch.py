"""What autofix's branch holds: whose commits are on it, and whether autofix may replace them."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from app.github.git import Git, GitError


class BranchMoved(GitError):
    """The branch holds commits autofix did not push; publishing refuses to overwrite them."""

    def __init__(self, branch: str, head: str, foreign: tuple[str, ...]) -> None:
        self.branch, self.head, self.foreign = branch, head, foreign
        who = f" by {', '.join(sorted(set(foreign)))}" if foreign else ""
        super().__init__(
            f"`{branch}` has moved to {head[:12]} with commits autofix did not push{who}, so "
            "autofix left it alone rather than overwrite them. To go on, comment "
            "`/autofix refine <feedback>` (it builds on the branch as it is now), or move your "
            f"commits to a new branch, delete `{branch}` and comment `/autofix retry`."
        )


class BranchState(BaseModel):
    """The remote branch's head and the authors of its commits that the base branch lacks."""

    model_config = ConfigDict(frozen=True)

    head: str | None
    foreign: tuple[str, ...] | None = ()
    """Authors other than autofix of the branch's own commits; None when git could not tell."""


async def read_branch(git: Git, base: str, branch: str, author_email: str) -> BranchState:
    """Fetch `branch` into `git`'s clone (as FETCH_HEAD) and name who wrote its own commits."""
    ref = f"refs/heads/{branch}"
    remote = (await git.run("ls-remote", "origin", ref)).split()
    if not remote:
        return BranchState(head=None)
    head = remote[0]
    try:
        # Only the commits the base branch lacks: exactly what a force-push would drop.
        await git.run("fetch", "--quiet", "--no-tags", f"--shallow-exclude={base}", "origin", ref)
    except GitError as exc:
        await git.run("fetch", "--quiet", "--no-tags", "--depth=1", "origin", ref)
        if "no commits selected" in str(exc):
            return BranchState(head=head, foreign=())  # every commit is on the base branch
        return BranchState(head=head, foreign=None)
    log = await git.run("log", "--format=%ae%x09%an", "FETCH_HEAD")
    foreign = tuple(
        name
        for email, _, name in (line.partition("\t") for line in log.splitlines() if line)
        if email != author_email
    )
    return BranchState(head=head, foreign=foreign)
