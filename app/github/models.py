"""What autofix keeps from GitHub's REST responses: small frozen models at the seam."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Permission = Literal["admin", "maintain", "write", "triage", "read", "none"]
TRIGGER_PERMISSIONS: frozenset[Permission] = frozenset({"admin", "maintain", "write"})
ReactionContent = Literal["+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"]
CheckStatus = Literal["queued", "in_progress", "completed"]
CheckConclusion = Literal[
    "action_required", "cancelled", "failure", "neutral", "success", "skipped", "timed_out"
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RepoInfo(_Frozen):
    """A repository as autofix needs it: where to clone from and what to target."""

    owner: str
    name: str
    full_name: str
    default_branch: str
    clone_url: str
    html_url: str
    private: bool


class IssueInfo(_Frozen):
    """An issue (or the issue side of a pull request)."""

    number: int
    title: str
    body: str
    state: str
    author: str
    labels: tuple[str, ...]
    html_url: str
    is_pull_request: bool


class CommentInfo(_Frozen):
    """An issue or pull request conversation comment."""

    id: int
    body: str
    author: str
    author_is_bot: bool
    html_url: str


class ReviewCommentInfo(_Frozen):
    """A pull request review comment on a line of the diff."""

    id: int
    body: str
    author: str
    path: str
    line: int | None
    diff_hunk: str


class CheckRunInfo(_Frozen):
    """A check run on a commit."""

    id: int
    name: str
    head_sha: str
    status: str
    conclusion: str | None
    html_url: str | None


class PullRequestInfo(_Frozen):
    """A pull request autofix opened or found for its branch."""

    number: int
    html_url: str
    title: str
    head_ref: str
    head_sha: str
    base_ref: str
    draft: bool
    state: str
    body: str = ""
    node_id: str = ""
    """GraphQL's global id of the pull request (what its mutations take)."""


class PullRequestLink(_Frozen):
    """The pull request autofix published to: where it is, what it pushed, which candidate."""

    number: int
    url: str
    branch: str
    head_sha: str
    """The commit autofix last pushed to `branch`; the next publish leases on it."""
    rollout_id: str | None = None
    """The candidate on the pull request."""
    pushed: bool = True
    """False when the branch already held exactly this change."""
    created: bool = False
    """True when this publish opened the pull request."""


class ConfigFile(_Frozen):
    """A config file's text and where it came from, e.g. `octo/.github:.github/autofix.yml`."""

    text: str
    source: str


class ThreadCommentInfo(_Frozen):
    """One comment of a review thread."""

    author: str
    body: str


class ReviewThreadInfo(_Frozen):
    """An unresolved, current review thread on a pull request: where it is and what it says."""

    path: str
    line: int | None
    comments: tuple[ThreadCommentInfo, ...]

    @property
    def author(self) -> str:
        """Who opened the thread."""
        return self.comments[0].author if self.comments else "ghost"
