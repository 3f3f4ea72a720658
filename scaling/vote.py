"""One judge's answer in a tournament match."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from scaling.rollout import Usage


class Vote(BaseModel):
    """A judge's pick among the candidates it was shown, in the order it was shown them."""

    model_config = ConfigDict(frozen=True)

    # Index into the candidates as passed to `Judge.vote`; None when the answer was unusable.
    choice: int | None
    reason: str = ""
    usage: Usage = Field(default_factory=Usage)
    # False when the judge's output failed validation; such votes are recorded and ignored.
    valid: bool = True
