"""Server-side halves of sign-in kept in Redis: used OAuth states and session records."""

from __future__ import annotations

import hashlib
import secrets

from pydantic import BaseModel, ConfigDict, ValidationError
from redis.asyncio import Redis

_PREFIX = "autofix:web:"


class SessionRecord(BaseModel):
    """What a session knows: who, with which GitHub token, seeing which repositories, as of when."""

    model_config = ConfigDict(frozen=True)

    login: str
    token: str
    repos: frozenset[str]
    checked_at: float


def _key(kind: str, secret: str) -> str:
    # Keys hold a digest, so reading Redis does not hand out cookie or state values.
    return _PREFIX + kind + ":" + hashlib.sha256(secret.encode()).hexdigest()


class SessionStore:
    """Sessions and states with Redis expiry; a state can be consumed exactly once."""

    def __init__(self, redis: Redis, *, max_age_s: float, state_ttl_s: float) -> None:
        self.redis = redis
        self.max_age_s = max_age_s
        self.state_ttl_s = state_ttl_s

    async def state_used(self, state: str) -> bool:
        return bool(await self.redis.exists(_key("used-state", state)))

    async def use_state(self, state: str) -> bool:
        """Mark a sign-in state used; False if it already was (each works once)."""
        marked = await self.redis.set(
            _key("used-state", state), b"1", ex=int(self.state_ttl_s), nx=True
        )
        return bool(marked)

    async def create(self, record: SessionRecord) -> str:
        sid = secrets.token_urlsafe(32)
        await self.save(sid, record)
        return sid

    async def save(self, sid: str, record: SessionRecord) -> None:
        await self.redis.set(_key("session", sid), record.model_dump_json(), ex=int(self.max_age_s))

    async def load(self, sid: str) -> SessionRecord | None:
        raw = await self.redis.get(_key("session", sid))
        if raw is None:
            return None
        try:
            return SessionRecord.model_validate_json(raw)
        except ValidationError:
            return None

    async def drop(self, sid: str) -> None:
        await self.redis.delete(_key("session", sid))
