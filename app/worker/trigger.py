"""What the webhook hands the worker: one routed event, already stripped to what matters."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from app.commands import Command

TriggerKind = Literal["label", "unlabel", "command", "review"]


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
    on_pull_request: bool = False
    sender: str
    label: str | None = None
    comment_id: int | None = None
    command: Command | None = None
    review_id: int | None = None

    @property
    def repo(self) -> str:
        return f"{self.owner}/{self.name}"
