"""The issue a run is trying to resolve, as the engine sees it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Issue(BaseModel):
    """Title, body and the comments that may reach the agent (already filtered by the app)."""

    model_config = ConfigDict(frozen=True)

    title: str
    body: str
    comments: tuple[str, ...] = ()
    number: int | None = None
