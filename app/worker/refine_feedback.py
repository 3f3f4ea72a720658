"""The feedback of `/autofix refine`: the maintainer's words, then the PR's unresolved threads."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from pydantic import BaseModel, ConfigDict

from app.command_line import find_command
from app.github.errors import GitHubError
from app.github.models import ReviewThreadInfo
from app.worker.ports import RepoApi

log = logging.getLogger(__name__)

MAX_THREADS = 20
MAX_THREAD_BYTES = 8 * 1024
MAX_COMMENT_CHARS = 2000

_Check = Callable[[str], Awaitable[bool]]


class RefineFeedback(BaseModel):
    """What a refinement is told, and why the PR's review threads are missing from it, if so."""

    model_config = ConfigDict(frozen=True)

    text: str
    threads_problem: str | None = None


async def refine_feedback(
    repo: RepoApi, pr_number: int, feedback: str, sender: str
) -> RefineFeedback:
    """`feedback`, then each unresolved thread's comments by writers as `path line N: text`."""
    try:
        threads = await repo.list_unresolved_review_threads(pr_number)
    except GitHubError as exc:
        # The maintainer's own words are the request; the threads only add context.
        log.warning("could not read the review threads of PR #%s", pr_number, exc_info=True)
        return RefineFeedback(text=feedback.strip(), threads_problem=str(exc))
    # One permission lookup per author per run; the sender was checked before the command ran.
    verdicts: dict[str, bool] = {sender: True}

    async def is_writer(login: str) -> bool:
        if login not in verdicts:
            verdicts[login] = await repo.can_trigger(login)
        return verdicts[login]

    lines: list[str] = []
    budget = MAX_THREAD_BYTES
    for thread in threads:
        if len(lines) == MAX_THREADS:
            break
        line = await _thread_line(thread, is_writer)
        if line is None:
            continue
        size = len(line.encode()) + 1
        if size > budget:
            break
        budget -= size
        lines.append(line)
    parts = [feedback.strip()] if feedback.strip() else []
    if lines:
        parts.append("Unresolved review threads:\n" + "\n".join(lines))
    return RefineFeedback(text="\n\n".join(parts))


async def _thread_line(thread: ReviewThreadInfo, is_writer: _Check) -> str | None:
    texts = []
    for comment in thread.comments:
        body = comment.body.strip()
        if not body or find_command(body) is not None or not await is_writer(comment.author):
            continue
        texts.append(f"@{comment.author}: {body[:MAX_COMMENT_CHARS]}")
    if not texts:
        return None
    where = f"`{thread.path}`" + (f" line {thread.line}" if thread.line else "")
    return f"- {where}: " + "\n  ".join(texts)
