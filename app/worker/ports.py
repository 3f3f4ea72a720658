"""The GitHub calls the worker makes, as a protocol it owns (app.github.GitHubRepo fits it)."""

from __future__ import annotations

from typing import Protocol

from app.ci.checks import CiSnapshot
from app.github.models import (
    CheckConclusion,
    CheckRunInfo,
    CheckStatus,
    CommentInfo,
    ConfigFile,
    IssueInfo,
    PullRequestInfo,
    RepoInfo,
    ReviewCommentInfo,
    ReviewThreadInfo,
)


class RepoApi(Protocol):
    """One installation's access to one repository."""

    owner: str
    name: str
    installation_id: int

    async def installation_token(self) -> str: ...
    async def get_repository(self) -> RepoInfo: ...
    async def get_issue(self, number: int) -> IssueInfo: ...
    async def list_issue_comments(self, number: int) -> list[CommentInfo]: ...
    async def can_trigger(self, username: str) -> bool: ...
    async def get_config_file(self) -> ConfigFile | None: ...
    async def list_review_comments(
        self, pr_number: int, review_id: int
    ) -> list[ReviewCommentInfo]: ...
    async def list_unresolved_review_threads(self, pr_number: int) -> list[ReviewThreadInfo]: ...
    async def react_to_issue(self, number: int) -> None: ...
    async def react_to_comment(self, comment_id: int) -> None: ...
    async def create_comment(self, number: int, body: str) -> CommentInfo: ...
    async def upsert_status_comment(
        self, number: int, run_id: str, body: str, *, comment_id: int | None = None
    ) -> int: ...
    async def create_check_run(
        self,
        head_sha: str,
        name: str,
        *,
        status: CheckStatus = "in_progress",
        conclusion: CheckConclusion | None = None,
        title: str = "",
        summary: str = "",
        details_url: str | None = None,
        external_id: str | None = None,
    ) -> CheckRunInfo: ...
    async def find_pull_request(
        self, head_branch: str, *, base: str | None = None, number: int | None = None
    ) -> PullRequestInfo | None: ...
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
    async def update_check_run(
        self,
        check_run_id: int,
        *,
        status: CheckStatus | None = None,
        conclusion: CheckConclusion | None = None,
        title: str | None = None,
        summary: str | None = None,
    ) -> CheckRunInfo: ...
    async def ci_snapshot(self, sha: str, own_app_id: int) -> CiSnapshot: ...
    async def check_run_annotations(self, check_run_id: int, limit: int = 50) -> list[str]: ...
    async def actions_job_log(self, job_id: int, max_bytes: int = 20_000) -> str | None: ...
    async def update_pull_body(self, number: int, body: str) -> None: ...
    async def rerun_actions_job(self, job_id: int) -> bool: ...
    async def rerequest_check_run(self, check_run_id: int) -> bool: ...
    async def mark_ready_for_review(self, number: int) -> bool: ...
    async def required_checks(self, branch: str) -> dict[str, int | None] | None: ...
