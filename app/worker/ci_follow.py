"""What autofix remembers about the CI of a pull request it pushed to, between looks.

A run ends once its pull request is published; the CI that follows is watched by short look
jobs (`app.worker.ci_look`) that hold no worker slot while CI runs. Everything they need to
carry from one look to the next lives here, in Redis, keyed by the pull request.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import AsyncIterator

from arq.constants import default_queue_name, job_key_prefix
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from redis.asyncio import Redis

from app.ci.keys import DIRTY_TTL_S, FOLLOW_TTL_S, dirty_key, head_key, poll_job_id

log = logging.getLogger(__name__)

LOCK_TTL_S = 600
"""Longer than the longest look (pushing the next candidate clones the repository)."""

SLOT = "<!-- autofix:ci-section -->"
"""Where the CI section goes in a finished run's status comment."""


class CiFollow(BaseModel):
    """One pull request's CI as autofix follows it: the head it pushed, the CI budget spent so
    far, the heads it tried, the re-runs it asked for and the verdict it last acted on."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    repo: str
    run_id: int
    """The run that pushed the current head; its config and result decide what happens."""
    pr: int
    url: str
    branch: str
    head_sha: str
    rollout_id: str | None = None
    head_since: float
    """When the head was pushed, on the worker's CI clock."""
    spent_s: float = 0.0
    """Seconds of the run's CI budget (`ci.timeout_s`) spent waiting on earlier heads."""
    required: tuple[str, ...] | None = None
    """The checks branch protection requires (`ci.required_only`), read once per run."""
    tries: tuple[str, ...] = ()
    """Earlier heads of this run and what CI said about them."""
    tried: tuple[str, ...] = ()
    """Candidates (rollout ids) this run has pushed."""
    reruns: dict[str, int] = Field(default_factory=dict)
    """Check name -> the id of the failed check run re-run on this head."""
    rerun_at: float | None = None
    reopened_at: float | None = None
    """When checks on a head with a verdict started running again (a re-run); None otherwise."""
    outcome: str = ""
    """The run's own sentence about the pull request ("Proposed ... in ...")."""
    notes: tuple[str, ...] = ()
    """What autofix did about CI, in order."""
    acted: str = ""
    """The verdict last acted on: the same verdict is never acted on twice."""
    settled: bool = False
    """The head's first verdict is in: its waiting is over and no more polls are scheduled."""
    stopped: bool = False
    """Someone else's commit is on the pull request: autofix pushes nothing more to it."""
    poll_seq: int = 0
    """The current poll's number; polls with another number are stale."""
    polling: bool = False
    comment: str
    """The run's status comment with `SLOT` where the CI section goes."""
    section: str = ""
    """The CI section last shown."""

    def with_note(self, note: str) -> CiFollow:
        return self.model_copy(update={"notes": (*self.notes, note)}) if note else self


class CiFollows:
    """`CiFollow` records, head-commit index, per-pull-request lock and dirty marks in Redis."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    @staticmethod
    def _key(repo: str, pr: int) -> str:
        return f"autofix:ci-follow:{repo.casefold()}:{pr}"

    async def pr_of(self, repo: str, sha: str) -> int | None:
        raw = await self.redis.get(head_key(repo, sha))
        return int(raw) if raw is not None and raw.isdigit() else None

    async def load(self, repo: str, pr: int) -> CiFollow | None:
        raw = await self.redis.get(self._key(repo, pr))
        if raw is None:
            return None
        try:
            return CiFollow.model_validate_json(raw)
        except ValidationError:
            log.warning("CI record of %s#%s is unreadable; it is dropped", repo, pr)
            return None

    async def save(self, state: CiFollow) -> None:
        """Store `state` and register its head, so CI events about the head find it."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(self._key(state.repo, state.pr), state.model_dump_json(), ex=FOLLOW_TTL_S)
            pipe.set(head_key(state.repo, state.head_sha), str(state.pr), ex=FOLLOW_TTL_S)
            await pipe.execute()

    @contextlib.asynccontextmanager
    async def locked(self, repo: str, pr: int) -> AsyncIterator[bool]:
        """Hold the pull request's lock (True) or learn that another look holds it (False)."""
        key, token = f"autofix:ci-lock:{repo.casefold()}:{pr}", uuid.uuid4().hex
        held = bool(await self.redis.set(key, token, nx=True, ex=LOCK_TTL_S))
        try:
            yield held
        finally:
            if held and await self.redis.get(key) == token.encode():
                await self.redis.delete(key)

    async def mark_dirty(self, repo: str, sha: str) -> None:
        await self.redis.set(dirty_key(repo, sha), "1", ex=DIRTY_TTL_S)

    async def take_dirty(self, repo: str, sha: str) -> bool:
        """Whether the head changed since the last call (and clear the mark)."""
        return bool(await self.redis.getdel(dirty_key(repo, sha)))

    async def cancel_poll(self, state: CiFollow) -> None:
        """Drop the queued poll of a head that has its verdict (events bring what follows)."""
        job_id = poll_job_id(state.repo, state.head_sha, state.poll_seq)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zrem(default_queue_name, job_id)
            pipe.delete(job_key_prefix + job_id)
            await pipe.execute()
