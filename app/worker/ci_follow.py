"""The worker's side of a pull request's CI record in Redis: storing it, its head-commit
index, the per-pull-request lock of the look jobs (`app.worker.ci_look`) and their dirty marks.

The record itself (`app.ci.follow.CiFollow`) is shared with the dashboard, which only reads it.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import AsyncIterator

from arq.constants import default_queue_name, job_key_prefix
from redis.exceptions import WatchError

from app.ci.follow import CiFollow, CiRecords
from app.ci.keys import (
    DIRTY_TTL_S,
    FOLLOW_TTL_S,
    dirty_key,
    follow_key,
    head_key,
    looked_key,
    poll_job_id,
)

log = logging.getLogger(__name__)

LOCK_TTL_S = 600
"""Longer than the longest look (pushing the next candidate clones the repository)."""


class CiFollows(CiRecords):
    """`CiFollow` records, head-commit index, per-pull-request lock and dirty marks in Redis."""

    async def pr_of(self, repo: str, sha: str) -> int | None:
        raw = await self.redis.get(head_key(repo, sha))
        return int(raw) if raw is not None and raw.isdigit() else None

    async def save(self, state: CiFollow, *, over: CiFollow | None = None) -> bool:
        """Store `state` and register its head, so CI events about the head find it.

        With `over` (the record a look started from), only while the stored record is still
        that run's at that head: a run that published a newer head meanwhile (it takes no
        lock) keeps its record. False when nothing was stored.
        """
        key = follow_key(state.repo, state.pr)
        async with self.redis.pipeline(transaction=True) as pipe:
            if over is not None:
                await pipe.watch(key)
                stored = await self.load(state.repo, state.pr)
                if stored is None or (stored.run_id, stored.head_sha) != (
                    over.run_id,
                    over.head_sha,
                ):
                    log.info(
                        "CI record of %s#%s moved on; the look's is dropped", state.repo, state.pr
                    )
                    return False
                pipe.multi()  # type: ignore[no-untyped-call]  # untyped in redis-py
            pipe.set(key, state.model_dump_json(), ex=FOLLOW_TTL_S)
            pipe.set(head_key(state.repo, state.head_sha), str(state.pr), ex=FOLLOW_TTL_S)
            try:
                await pipe.execute()
            except WatchError:
                return False
        return True

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

    async def wait_before_look(self, repo: str, sha: str, gap_s: float, *, poll: bool) -> float:
        """0 when a look may read the head's checks now, else the seconds until it may.

        Looks woken by CI events are at least `gap_s` apart, so a flood of events cannot
        spend the installation's API quota; a poll always may, and starts the gap again.
        """
        key, gap_ms = looked_key(repo, sha), max(int(gap_s * 1000), 1)
        if poll or await self.redis.set(key, "1", px=gap_ms, nx=True):
            await self.redis.set(key, "1", px=gap_ms)
            return 0.0
        left_ms = await self.redis.pttl(key)
        return max(int(left_ms), 1) / 1000

    async def cancel_poll(self, state: CiFollow) -> None:
        """Drop the queued poll of a head that has its verdict (events bring what follows)."""
        job_id = poll_job_id(state.repo, state.head_sha, state.poll_seq)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zrem(default_queue_name, job_id)
            pipe.delete(job_key_prefix + job_id)
            await pipe.execute()
