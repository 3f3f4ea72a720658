"""Builds the engine's Issue from GitHub, keeping only text written by people with write access."""

from __future__ import annotations

from app.command_line import find_command
from app.issue_text import sanitize_issue
from app.worker.ports import RepoApi
from scaling.issue import Issue


async def writers_issue(repo: RepoApi, number: int) -> Issue:
    """Title, body and the comments of writers; bots, commands and non-writers are dropped."""
    info = await repo.get_issue(number)
    verdicts: dict[str, bool] = {}

    async def is_writer(login: str) -> bool:
        if login not in verdicts:
            verdicts[login] = await repo.can_trigger(login)
        return verdicts[login]

    # The body counts as the author's text too: an outsider's issue still has its title and
    # body (that is the request), but their follow-up comments never reach the agent.
    comments: list[str] = []
    for comment in await repo.list_issue_comments(number):
        if comment.author_is_bot or find_command(comment.body) is not None:
            continue
        if await is_writer(comment.author):
            comments.append(f"@{comment.author}: {comment.body}")
    issue = Issue(title=info.title, body=info.body, comments=tuple(comments), number=number)
    return sanitize_issue(issue)
