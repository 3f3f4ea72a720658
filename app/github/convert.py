"""Conversions from githubkit's generated models to autofix's seam models."""

from __future__ import annotations

from githubkit.utils import Unset
from githubkit_schemas.latest.models import (
    CheckRun,
    FullRepository,
    Issue,
    IssueComment,
    PullRequest,
    PullRequestSimple,
    ReviewComment,
    SimpleUser,
)

from app.github.models import (
    CheckRunInfo,
    CommentInfo,
    IssueInfo,
    PullRequestInfo,
    RepoInfo,
    ReviewCommentInfo,
)


def _login(user: SimpleUser | None) -> str:
    return user.login if user is not None else "ghost"


def repo_info(repo: FullRepository) -> RepoInfo:
    return RepoInfo(
        owner=repo.owner.login,
        name=repo.name,
        full_name=repo.full_name,
        default_branch=repo.default_branch,
        clone_url=repo.clone_url,
        html_url=repo.html_url,
        private=repo.private,
    )


def issue_info(issue: Issue) -> IssueInfo:
    labels: list[str] = []
    for label in issue.labels:
        name = label if isinstance(label, str) else label.name
        if isinstance(name, str):
            labels.append(name)
    body = issue.body if isinstance(issue.body, str) else ""
    return IssueInfo(
        number=issue.number,
        title=issue.title,
        body=body,
        state=issue.state,
        author=_login(issue.user),
        labels=tuple(labels),
        html_url=issue.html_url,
        is_pull_request=not isinstance(issue.pull_request, Unset),
    )


def comment_info(comment: IssueComment) -> CommentInfo:
    return CommentInfo(
        id=comment.id,
        body=comment.body if isinstance(comment.body, str) else "",
        author=_login(comment.user),
        author_is_bot=comment.user is not None and comment.user.type == "Bot",
        html_url=comment.html_url,
    )


def review_comment_info(comment: ReviewComment) -> ReviewCommentInfo:
    return ReviewCommentInfo(
        id=comment.id,
        body=comment.body,
        author=_login(comment.user),
        path=comment.path,
        line=comment.line if isinstance(comment.line, int) else None,
        diff_hunk=comment.diff_hunk,
    )


def check_run_info(run: CheckRun) -> CheckRunInfo:
    return CheckRunInfo(
        id=run.id,
        name=run.name,
        head_sha=run.head_sha,
        status=run.status,
        conclusion=run.conclusion,
        html_url=run.html_url,
    )


def pull_info(pr: PullRequest | PullRequestSimple) -> PullRequestInfo:
    return PullRequestInfo(
        number=pr.number,
        html_url=pr.html_url,
        title=pr.title,
        head_ref=pr.head.ref,
        head_sha=pr.head.sha,
        base_ref=pr.base.ref,
        draft=pr.draft is True,
        state=pr.state,
        body=pr.body or "",
        node_id=pr.node_id,
    )


# GitHub refuses bodies over 65536 characters; leave room for the truncation note.
_MAX_BODY = 65_000


def fit(text: str, limit: int = _MAX_BODY) -> str:
    """`text` cut to GitHub's size limit, saying so when it was cut."""
    if len(text) <= limit:
        return text
    return text[: limit - 60] + "\n\n… (truncated: GitHub limits a body to 65536 characters)"
