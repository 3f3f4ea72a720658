"""Read operations of the repository facade: repository, issues, comments, permission, files."""

from __future__ import annotations

import base64

from githubkit.exception import RequestFailed
from githubkit.rest.paginator import Paginator
from githubkit.utils import UNSET
from githubkit_schemas.latest.models import ContentFile, IssueComment, ReviewComment

from app.github.client import GitHubClients, InstallationClient
from app.github.convert import comment_info, issue_info, repo_info, review_comment_info
from app.github.errors import http_status
from app.github.models import (
    TRIGGER_PERMISSIONS,
    CommentInfo,
    ConfigFile,
    IssueInfo,
    Permission,
    RepoInfo,
    ReviewCommentInfo,
)

CONFIG_PATH = ".github/autofix.yml"
_PERMISSIONS: dict[str, Permission] = {
    p: p for p in ("admin", "maintain", "write", "triage", "read", "none")
}


class RepoReads:
    """The read side of `GitHubRepo`; one installation, one repository."""

    def __init__(self, clients: GitHubClients, installation_id: int, owner: str, name: str):
        self.clients = clients
        self.installation_id = installation_id
        self.owner = owner
        self.name = name

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    @property
    def _gh(self) -> InstallationClient:
        return self.clients.installation(self.installation_id)

    async def installation_token(self) -> str:
        """The installation token for git over HTTPS (a secret: never log it)."""
        return await self.clients.installation_token(self.installation_id)

    async def get_repository(self) -> RepoInfo:
        response = await self._gh.rest.repos.async_get(self.owner, self.name)
        return repo_info(response.parsed_data)

    async def get_issue(self, number: int) -> IssueInfo:
        response = await self._gh.rest.issues.async_get(self.owner, self.name, number)
        return issue_info(response.parsed_data)

    async def list_issue_comments(self, number: int) -> list[CommentInfo]:
        """All conversation comments of an issue or pull request, oldest first."""
        rest = self._gh.rest
        pages: Paginator[IssueComment] = rest.paginate(
            rest.issues.async_list_comments,
            owner=self.owner,
            repo=self.name,
            issue_number=number,
            per_page=100,
        )
        return [comment_info(comment) async for comment in pages]

    async def get_permission(self, username: str) -> Permission:
        """The user's role on the repository (`maintain` included); `none` for non-collaborators."""
        try:
            response = await self._gh.rest.repos.async_get_collaborator_permission_level(
                self.owner, self.name, username
            )
        except RequestFailed as exc:
            if http_status(exc) == 404:
                return "none"
            raise
        data = response.parsed_data
        # role_name distinguishes maintain (permission folds it into write); custom roles
        # fall back to their base permission.
        for level in (data.role_name, data.permission):
            if level in _PERMISSIONS:
                return _PERMISSIONS[level]
        return "none"

    async def can_trigger(self, username: str) -> bool:
        """Whether `username` may start or steer runs: write, maintain or admin."""
        return await self.get_permission(username) in TRIGGER_PERMISSIONS

    async def get_file(
        self, path: str, ref: str | None = None, *, repo: str | None = None
    ) -> str | None:
        """A text file's content at `ref` (default branch if None); None when it does not exist."""
        try:
            response = await self._gh.rest.repos.async_get_content(
                self.owner, repo or self.name, path, ref=ref if ref else UNSET
            )
        except RequestFailed as exc:
            # 403 as well: the owner's .github repository may be outside this installation.
            if http_status(exc) in (403, 404):
                return None
            raise
        data = response.parsed_data
        if not isinstance(data, ContentFile):
            return None
        if data.encoding != "base64":
            return data.content
        return base64.b64decode(data.content).decode("utf-8", errors="replace")

    async def get_config_file(self, path: str = CONFIG_PATH) -> ConfigFile | None:
        """The repository's autofix config, else the owner's `.github` repository's, else None."""
        text = await self.get_file(path)
        if text is not None:
            return ConfigFile(text=text, source=f"{self.full_name}:{path}")
        if self.name == ".github":
            return None
        for fallback in (path, path.removeprefix(".github/")):
            text = await self.get_file(fallback, repo=".github")
            if text is not None:
                return ConfigFile(text=text, source=f"{self.owner}/.github:{fallback}")
        return None

    async def list_review_comments(self, pr_number: int, review_id: int) -> list[ReviewCommentInfo]:
        """The line comments of one pull request review."""
        rest = self._gh.rest
        pages: Paginator[ReviewComment] = rest.paginate(
            rest.pulls.async_list_comments_for_review,
            owner=self.owner,
            repo=self.name,
            pull_number=pr_number,
            review_id=review_id,
            per_page=100,
        )
        return [review_comment_info(comment) async for comment in pages]
