"""What the webhook hands the worker, and the names of the jobs and keys both sides share."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from app.command_line import CommandLine

TriggerKind = Literal["label", "unlabel", "command", "review", "edit"]

HANDLE_JOB = "handle_trigger"
RUN_JOB = "run_issue"
REFRESH_JOB = "refresh_status"


class Trigger(BaseModel):
    """One event that may start, steer or stop a run; authorization happens in the worker."""

    model_config = ConfigDict(frozen=True)

    kind: TriggerKind
    delivery: str
    owner: str
    name: str
    installation_id: int | None = None
    number: int
    title: str = ""
    body: str | None = None
    """The issue's body in the signed event (for a label: as the maintainer saw it)."""
    on_pull_request: bool = False
    sender: str
    label: str | None = None
    comment_id: int | None = None
    command: CommandLine | None = None
    review_id: int | None = None

    @property
    def repo(self) -> str:
        return f"{self.owner}/{self.name}"


class LabelledIssue(BaseModel):
    """The issue's title and body as the signed `labeled` event carried them."""

    model_config = ConfigDict(frozen=True)

    title: str
    body: str


def delivery_job_id(delivery: str) -> str:
    """The job of one webhook delivery: a redelivery finds it instead of queueing another."""
    return f"evt:{delivery}"


def review_job_id(repo: str, pr: int, review_id: int) -> str:
    """One job per review: its submission and its comments' deliveries all land in it."""
    return f"review:{repo}:{pr}:{review_id}"


def run_job_id(run_id: int) -> str:
    """The job of one run; a retried handler enqueues nothing new."""
    return f"run:{run_id}"


def status_job_id(delivery: str) -> str:
    """The status refresh asked for by one `/autofix status` comment."""
    return f"status:{delivery}"


def notes_key(job_id: str) -> str:
    """Where texts of deliveries batched into one job wait for it (e.g. a review's body)."""
    return f"autofix:notes:{job_id}"
