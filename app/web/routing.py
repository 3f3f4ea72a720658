"""Maps a verified, parsed delivery to the job that handles it (or to nothing)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from app.command_line import find_command
from app.trigger import Trigger, delivery_job_id, review_job_id
from app.web.payloads import Account, Envelope

BRANCH_PREFIX = "autofix/issue-"
# Review events of one review collapse into one deferred job, so comments arrive batched.
REVIEW_BATCH_S = 5.0


class Plan(BaseModel):
    """The job to enqueue for a delivery."""

    model_config = ConfigDict(frozen=True)

    trigger: Trigger
    job_id: str
    defer_s: float = 0.0
    note: str = ""
    """Text kept with the job for the worker (a review's body), batched across deliveries."""


def is_ignored_sender(sender: Account | None, allowed_bots: frozenset[str]) -> bool:
    """Bots (autofix itself included) are ignored unless their login is allow-listed."""
    if sender is None:
        return True
    is_bot = sender.type == "Bot" or sender.login.endswith("[bot]")
    return is_bot and sender.login not in allowed_bots


def route(event: str, delivery: str, env: Envelope, allowed_bots: frozenset[str]) -> Plan | None:
    """The job for this event, or None for events autofix does not act on."""
    repo, sender = env.repository, env.sender
    if repo is None or sender is None or is_ignored_sender(sender, allowed_bots):
        return None
    base: dict[str, object] = {
        "delivery": delivery,
        "owner": repo.owner.login,
        "name": repo.name,
        "installation_id": env.installation.id if env.installation else None,
        "sender": sender.login,
    }
    plain_job = delivery_job_id(delivery)
    if event == "issues" and env.issue and env.action == "edited" and env.changes:
        # Whose words the issue holds matters once it is labelled (the worker decides).
        if env.issue.is_pull_request or not {"title", "body"} & set(env.changes):
            return None
        trigger = Trigger.model_validate(base | {"kind": "edit", "number": env.issue.number})
        return Plan(trigger=trigger, job_id=plain_job)
    if event == "issues" and env.issue and env.label and not env.issue.is_pull_request:
        if env.action in ("labeled", "unlabeled"):
            kind = "label" if env.action == "labeled" else "unlabel"
            trigger = Trigger.model_validate(
                base
                | {
                    "kind": kind,
                    "number": env.issue.number,
                    "title": env.issue.title,
                    "body": env.issue.body or "",
                    "label": env.label.name,
                }
            )
            return Plan(trigger=trigger, job_id=plain_job)
        return None
    if event == "issue_comment" and env.action == "created" and env.issue and env.comment:
        command = find_command(env.comment.body)
        if command is None:
            return None
        trigger = Trigger.model_validate(
            base
            | {
                "kind": "command",
                "number": env.issue.number,
                "title": env.issue.title,
                "on_pull_request": env.issue.is_pull_request,
                "comment_id": env.comment.id,
                "command": command,
            }
        )
        return Plan(trigger=trigger, job_id=plain_job)
    pr = env.pull_request
    if pr is None or pr.head is None or not pr.head.ref.startswith(BRANCH_PREFIX):
        return None
    review_id: int | None = None
    note = ""
    if event == "pull_request_review" and env.action == "submitted" and env.review:
        if (env.review.state or "").lower() == "approved":
            return None  # an approval asks for nothing to change
        review_id, note = env.review.id, (env.review.body or "").strip()
    elif event == "pull_request_review_comment" and env.action == "created" and env.comment:
        # The worker lists the review's comments through the API once the batch is due.
        review_id = env.comment.pull_request_review_id
    if review_id is None:
        return None
    trigger = Trigger.model_validate(
        base
        | {
            "kind": "review",
            "number": pr.number,
            "title": pr.title,
            "on_pull_request": True,
            "review_id": review_id,
        }
    )
    job_id = review_job_id(repo.full_name, pr.number, review_id)
    return Plan(trigger=trigger, job_id=job_id, defer_s=REVIEW_BATCH_S, note=note)
