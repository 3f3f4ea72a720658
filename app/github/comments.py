"""Comments and reactions, including the run's one status comment."""

from __future__ import annotations

import asyncio

from githubkit.exception import RequestFailed

from app.github.convert import comment_info, fit
from app.github.errors import http_status
from app.github.models import CommentInfo, ReactionContent
from app.github.reads import RepoReads
from app.github.status_comment import has_marker, with_marker


class RepoComments(RepoReads):
    """Conversation writes of `GitHubRepo`."""

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
                    if http_status(exc) != 404:
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
