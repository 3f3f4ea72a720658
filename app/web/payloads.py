"""The few webhook fields autofix reads, parsed leniently (real payloads vary by host/version)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class _Lenient(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class Account(_Lenient):
    """A user, bot or organization."""

    login: str
    type: str = "User"


class Repository(_Lenient):
    """The repository an event happened in."""

    full_name: str
    name: str
    owner: Account
    default_branch: str | None = None
    clone_url: str | None = None


class Installation(_Lenient):
    """The App installation that received the event."""

    id: int


class Label(_Lenient):
    """A label added or removed."""

    name: str


class IssueRef(_Lenient):
    """An issue, or a pull request seen through the issues API."""

    number: int
    title: str = ""
    body: str | None = None
    user: Account | None = None
    pull_request: dict[str, Any] | None = None

    @property
    def is_pull_request(self) -> bool:
        return self.pull_request is not None


class Comment(_Lenient):
    """An issue comment or a pull-request review comment."""

    id: int
    body: str | None = None
    user: Account | None = None
    # Set on pull-request review comments: the review they belong to.
    pull_request_review_id: int | None = None


class Branch(_Lenient):
    """One end of a pull request."""

    ref: str
    sha: str | None = None


class PullRef(_Lenient):
    """A pull request."""

    number: int
    title: str = ""
    head: Branch | None = None
    user: Account | None = None


class Review(_Lenient):
    """A submitted pull-request review."""

    id: int
    body: str | None = None
    state: str | None = None
    user: Account | None = None


class Envelope(_Lenient):
    """Every field any handled event needs; absent ones stay None."""

    action: str | None = None
    sender: Account | None = None
    repository: Repository | None = None
    installation: Installation | None = None
    issue: IssueRef | None = None
    label: Label | None = None
    comment: Comment | None = None
    pull_request: PullRef | None = None
    review: Review | None = None
    changes: dict[str, Any] | None = None
    """What an `edited` action changed (`title`, `body`), with the previous values."""
