"""`handle_trigger`: authorize the sender, read the repo config and act on one routed event."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from app.command_line import find_command
from app.config import ConfigError
from app.github.models import ReviewCommentInfo
from app.status.render import render_notice
from app.telemetry.context import bind
from app.trigger import Trigger, notes_key, review_job_id
from app.worker.commands import run_command
from app.worker.deps import WorkerDeps, deps_of
from app.worker.issue import note_outsider_edit
from app.worker.notices import notify_once
from app.worker.ports import RepoApi
from app.worker.repo_config import fetch_config
from app.worker.starting import cancel_run, start_run

log = logging.getLogger(__name__)


async def handle_trigger(ctx: dict[str, Any], payload: dict[str, Any]) -> str:
    """The job behind every webhook delivery; returns what it did (kept as the job result)."""
    deps = deps_of(ctx)
    trigger = Trigger.model_validate(payload)
    bind(delivery_id=trigger.delivery)
    repo = await deps.repo_for(trigger.owner, trigger.name, trigger.installation_id)
    if trigger.kind == "edit":
        return await _edited(deps, repo, trigger)
    if not await repo.can_trigger(trigger.sender):
        if trigger.kind in ("label", "command"):
            body = render_notice("refused", sender=trigger.sender, action=trigger.kind)
            await notify_once(deps, repo, trigger, body)
        return "refused"
    if trigger.kind == "review":
        return await _review(deps, repo, trigger)
    try:
        config = await fetch_config(repo, deps.policy)
    except ConfigError as exc:
        if trigger.kind == "unlabel":
            return "ignored"
        await notify_once(deps, repo, trigger, render_notice("config", problems=exc.problems))
        return "bad_config"
    if trigger.kind == "label":
        if trigger.label != config.label:
            return "ignored"
        # The status comment is the answer people wait for; GitHub writes are spaced a second
        # apart, so the cosmetic reaction goes after it.
        outcome = await start_run(deps, repo, trigger, config, "label")
        await _acknowledge(repo, trigger)
        return outcome
    if trigger.kind == "unlabel":
        if trigger.label != config.label:
            return "ignored"
        return await cancel_run(deps, repo, trigger, "the label was removed")
    command = trigger.command
    if command is None:
        return "ignored"
    await _acknowledge(repo, trigger)
    return await run_command(deps, repo, trigger, config, command)


async def _edited(deps: WorkerDeps, repo: RepoApi, trigger: Trigger) -> str:
    """An issue's title or body changed: a non-writer's edit after a label is remembered."""
    # Before any run the edit does not matter: a label takes the text of its own event.
    if await deps.store.latest_run(trigger.repo, trigger.number) is None:
        return "ignored"
    if await repo.can_trigger(trigger.sender):
        return "ignored"
    await note_outsider_edit(deps.redis, trigger.repo, trigger.number, trigger.sender)
    return "edit_noted"


async def _acknowledge(repo: RepoApi, trigger: Trigger) -> None:
    """The 👀 reaction on the label's issue or the command's comment; cosmetic, so never fatal."""
    try:
        if trigger.comment_id is not None:
            await repo.react_to_comment(trigger.comment_id)
        else:
            await repo.react_to_issue(trigger.number)
    except Exception:
        log.warning("could not react to %s#%s", trigger.repo, trigger.number, exc_info=True)


async def _review(deps: WorkerDeps, repo: RepoApi, trigger: Trigger) -> str:
    """A review on autofix's PR: its body and its (unresolved) comments seed a refinement."""
    run = await deps.store.run_for_pull_request(repo_name(repo), trigger.number)
    if run is None or trigger.review_id is None:
        return "ignored"
    job_id = review_job_id(repo_name(repo), trigger.number, trigger.review_id)
    stored: list[bytes | str] = await deps.redis.lrange(notes_key(job_id), 0, -1)  # type: ignore[misc]
    notes = [_text(n) for n in stored]
    comments = await repo.list_review_comments(trigger.number, trigger.review_id)
    feedback = review_feedback(notes, comments)
    if not feedback:
        return "ignored"
    try:
        config = await fetch_config(repo, deps.policy)
    except ConfigError:
        return "bad_config"
    issue_trigger = trigger.model_copy(update={"number": run.issue_number})
    return await start_run(
        deps, repo, issue_trigger, config, "review", parent=run, feedback=feedback
    )


def review_feedback(notes: Sequence[str], comments: Sequence[ReviewCommentInfo]) -> str:
    """The review's body, then each inline comment with the line it is attached to."""
    parts = [n.strip() for n in notes if n.strip()]
    inline = [
        f"- `{c.path}`{f' line {c.line}' if c.line else ''}: {c.body.strip()}"
        for c in comments
        if c.body.strip() and find_command(c.body) is None
    ]
    if inline:
        parts.append("Unresolved review comments:\n" + "\n".join(inline))
    return "\n\n".join(parts)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def repo_name(repo: RepoApi) -> str:
    return f"{repo.owner}/{repo.name}"
