"""CI events (`check_run`, `check_suite`, `status`): they only make a CI watcher look sooner.

They are accepted whatever their sender: the check events of autofix's own pushes often name
autofix's bot, and a nudge starts nothing; the watcher reads the checks from the API itself.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, ValidationError
from redis.asyncio import Redis

from app.ci.nudge import NUDGE_TTL_S, nudge_key

CI_EVENTS = frozenset({"check_run", "check_suite", "status"})
_SHA = re.compile(r"[0-9a-fA-F]{40}|[0-9a-fA-F]{64}")


class _Lenient(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class _Head(_Lenient):
    head_sha: str


class _Repo(_Lenient):
    full_name: str


class CiEvent(_Lenient):
    """The few fields of a CI event that name the commit it is about."""

    repository: _Repo
    check_run: _Head | None = None
    check_suite: _Head | None = None
    sha: str | None = None
    """A `status` event's commit."""

    @property
    def head_sha(self) -> str | None:
        for found in (self.check_run, self.check_suite):
            if found is not None:
                return found.head_sha
        return self.sha


def ci_nudge_key(body: bytes) -> str | None:
    """The nudge list of a CI event's commit; None when the payload names no commit."""
    try:
        event = CiEvent.model_validate_json(body)
    except ValidationError:
        return None
    sha = event.head_sha
    if sha is None or not _SHA.fullmatch(sha) or len(event.repository.full_name) > 200:
        return None
    return nudge_key(event.repository.full_name, sha)


async def nudge(redis: Redis, key: str) -> None:
    """Wake the watcher of `key`; a flood of events still leaves one entry."""
    async with redis.pipeline(transaction=True) as pipe:
        pipe.rpush(key, "1")
        pipe.ltrim(key, -1, -1)
        pipe.expire(key, NUDGE_TTL_S)
        await pipe.execute()
