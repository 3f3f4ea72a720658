"""Builds the engine's Issue from GitHub, keeping only text that people with write access vouch for.

The title and body of a labelled issue are those of the signed `labeled` event: what the
maintainer saw when labelling. Runs started later (retry, refine, review) read the issue as it
is now, unless someone without write access edited it since it was labelled: then the run is
refused until a maintainer labels the issue again.
"""

from __future__ import annotations

from arq.connections import ArqRedis

from app.command_line import find_command
from app.issue_text import sanitize_issue
from app.trigger import LabelledIssue
from app.worker.ports import RepoApi
from scaling.issue import Issue

EDIT_TTL_S = 90 * 24 * 3600


class IssueEdited(Exception):
    """Someone without write access edited the issue after it was labelled."""

    def __init__(self, number: int, editor: str, label: str) -> None:
        self.editor = editor
        super().__init__(
            f"@{editor}, who cannot trigger autofix, edited #{number} after it was labelled, so "
            "autofix will not act on its current text. A maintainer should read the issue and "
            f"label it again (remove and re-add `{label}`) to run on it as it reads now."
        )


def _edited_key(repo: str, number: int) -> str:
    return f"autofix:edited:{repo}#{number}"


async def note_outsider_edit(redis: ArqRedis, repo: str, number: int, editor: str) -> None:
    """Remember that a non-writer changed the issue's title or body."""
    await redis.set(_edited_key(repo, number), editor, ex=EDIT_TTL_S)


async def forget_edits(redis: ArqRedis, repo: str, number: int) -> None:
    """A new label is a maintainer vouching for the text as it is now."""
    await redis.delete(_edited_key(repo, number))


async def outsider_editor(redis: ArqRedis, repo: str, number: int) -> str | None:
    """Who edited the issue without write access since it was last labelled, if anyone."""
    value = await redis.get(_edited_key(repo, number))
    if value is None:
        return None
    return value.decode() if isinstance(value, bytes) else str(value)


async def writers_issue(repo: RepoApi, number: int, labelled: LabelledIssue | None = None) -> Issue:
    """Title, body and the comments of writers; bots, commands and non-writers are dropped."""
    if labelled is None:
        info = await repo.get_issue(number)
        title, body = info.title, info.body
    else:
        title, body = labelled.title, labelled.body
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
    issue = Issue(title=title, body=body, comments=tuple(comments), number=number)
    return sanitize_issue(issue)
