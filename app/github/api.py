"""`GitHubRepo`: the typed facade over one installation's access to one repository."""

from __future__ import annotations

import asyncio
from typing import cast

from githubkit.exception import RequestFailed
from githubkit.utils import UNSET, Unset
from githubkit_schemas.latest.models import PullRequestSimple
from githubkit_schemas.latest.types import (
    ReposOwnerRepoCheckRunsCheckRunIdPatchBodyPropOutputType as UpdateOutput,
)
from githubkit_schemas.latest.types import (
    ReposOwnerRepoCheckRunsPostBodyPropOutputType as CreateOutput,
)

from app.github.convert import check_run_info, comment_info, pull_info
from app.github.errors import GitHubError, error_message, status_of
from app.github.models import (
    CheckConclusion,
    CheckRunInfo,
    CheckStatus,
    CommentInfo,
    PullRequestInfo,
    ReactionContent,
)
from app.github.reads import RepoReads
from app.github.status_comment import has_marker, with_marker

# GitHub refuses bodies over 65536 characters; leave room for the truncation note.
_MAX_BODY = 65_000


def fit(text: str, limit: int = _MAX_BODY) -> str:
    """`text` cut to GitHub's size limit, saying so when it was cut."""
    if len(text) <= limit:
        return text
    return text[: limit - 60] + "\n\n… (truncated: GitHub limits a body to 65536 characters)"


class GitHubRepo(RepoReads):
    """One installation's view of one repository: every GitHub call a run makes."""

    async def react_to_issue(self, number: int, content: ReactionContent = "eyes") -> None:
        await self._gh.rest.reactions.async_create_for_issue(
            self.owner, self.name, number, content=content
        )

    async def react_to_comment(self, comment_id: int, content: ReactionContent = "eyes") -> None:
        await self._gh.rest.reactions.async_create_for_issue_comment(
            self.owner, self.name, comment_id, content=content
        )

    async def create_comment(self, number: int, body: str) -> CommentInfo:
        response = await self._gh.rest.issues.async_create_comment(
            self.owner, self.name, number, body=fit(body)
        )
        return comment_info(response.parsed_data)

    async def update_comment(self, comment_id: int, body: str) -> CommentInfo:
        response = await self._gh.rest.issues.async_update_comment(
            self.owner, self.name, comment_id, body=fit(body)
        )
        return comment_info(response.parsed_data)

    async def upsert_status_comment(
        self, number: int, run_id: str, body: str, *, comment_id: int | None = None
    ) -> int:
        """Create or edit in place the run's one status comment; returns its id (store it)."""
        key = (self.full_name, number, run_id)
        lock = self.clients.status_comment_locks.setdefault(key, asyncio.Lock())
        text = with_marker(run_id, body)
        async with lock:
            known = comment_id or self.clients.status_comment_ids.get(key)
            if known is None:
                known = await self._find_status_comment(number, run_id)
            if known is not None:
                if self.clients.status_comment_bodies.get(known) == text:
                    return known
                try:
                    await self.update_comment(known, text)
                except RequestFailed as exc:
                    if status_of(exc) != 404:
                        raise
                    known = None  # a maintainer deleted it; post a fresh one
            if known is None:
                known = (await self.create_comment(number, text)).id
            self.clients.status_comment_ids[key] = known
            self.clients.status_comment_bodies[known] = text
            return known

    async def _find_status_comment(self, number: int, run_id: str) -> int | None:
        for comment in await self.list_issue_comments(number):
            # Only the App's own comments count: anyone can paste a marker into theirs.
            if comment.author_is_bot and has_marker(run_id, comment.body):
                return comment.id
        return None

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
    ) -> CheckRunInfo:
        """A check run on `head_sha`; `completed` needs a conclusion."""
        output: CreateOutput = {"title": title or name, "summary": fit(summary or title or name)}
        checks = self._gh.rest.checks
        if status == "completed":
            if conclusion is None:
                raise ValueError("a completed check run needs a conclusion")
            response = await checks.async_create(
                self.owner,
                self.name,
                name=name,
                head_sha=head_sha,
                status="completed",
                conclusion=conclusion,
                output=output,
                details_url=details_url or UNSET,
                external_id=external_id or UNSET,
            )
        else:
            response = await checks.async_create(
                self.owner,
                self.name,
                name=name,
                head_sha=head_sha,
                status=status,
                output=output,
                details_url=details_url or UNSET,
                external_id=external_id or UNSET,
            )
        return check_run_info(response.parsed_data)

    async def update_check_run(
        self,
        check_run_id: int,
        *,
        status: CheckStatus | None = None,
        conclusion: CheckConclusion | None = None,
        title: str | None = None,
        summary: str | None = None,
    ) -> CheckRunInfo:
        """Move a check run along; a conclusion implies `completed`."""
        output: UpdateOutput | Unset = UNSET
        if title is not None or summary is not None:
            output = {"title": title or "", "summary": fit(summary or title or "")}
        checks = self._gh.rest.checks
        if conclusion is not None:
            response = await checks.async_update(
                self.owner,
                self.name,
                check_run_id,
                status="completed",
                conclusion=conclusion,
                output=output,
            )
        elif status == "completed":
            raise ValueError("a completed check run needs a conclusion")
        else:
            response = await checks.async_update(
                self.owner, self.name, check_run_id, status=status or UNSET, output=output
            )
        return check_run_info(response.parsed_data)

    async def find_pull_request(self, head_branch: str) -> PullRequestInfo | None:
        """The open pull request from this repository's `head_branch`, if any."""
        response = await self._gh.rest.pulls.async_list(
            self.owner, self.name, state="open", head=f"{self.owner}:{head_branch}", per_page=100
        )
        # `list` in the generated client's annotations is shadowed by its method of that name.
        for pr in cast("list[PullRequestSimple]", response.parsed_data):
            if pr.head.ref == head_branch:
                return pull_info(pr)
        return None

    async def ensure_pull_request(
        self, *, head_branch: str, base: str, title: str, body: str, draft: bool = True
    ) -> tuple[PullRequestInfo, bool]:
        """Open the branch's pull request, or update the open one; returns (pr, created)."""
        existing = await self.find_pull_request(head_branch)
        if existing is None:
            try:
                return await self._create_pull(head_branch, base, title, body, draft), True
            except RequestFailed as exc:
                if status_of(exc) != 422 or "already exists" not in error_message(exc):
                    raise
            existing = await self.find_pull_request(head_branch)
            if existing is None:
                raise GitHubError(
                    f"GitHub reports a pull request for {head_branch} in {self.full_name} "
                    "that autofix cannot see; close it or delete the branch, then retry"
                )
        return await self._update_pull(existing, title, body), False

    async def _create_pull(
        self, head: str, base: str, title: str, body: str, draft: bool
    ) -> PullRequestInfo:
        pulls = self._gh.rest.pulls
        try:
            response = await pulls.async_create(
                self.owner,
                self.name,
                head=head,
                base=base,
                title=title,
                body=fit(body),
                draft=draft,
            )
        except RequestFailed as exc:
            # Repositories on plans without draft pull requests refuse them: open a ready one.
            if not draft or status_of(exc) != 422 or "draft" not in error_message(exc).lower():
                raise
            response = await pulls.async_create(
                self.owner, self.name, head=head, base=base, title=title, body=fit(body)
            )
        return pull_info(response.parsed_data)

    async def _update_pull(self, pr: PullRequestInfo, title: str, body: str) -> PullRequestInfo:
        response = await self._gh.rest.pulls.async_update(
            self.owner, self.name, pr.number, title=title, body=fit(body)
        )
        return pull_info(response.parsed_data)
