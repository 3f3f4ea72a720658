"""Cross-process run signals in Redis: the cancel flag and the liveness heartbeat."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

HEARTBEAT_TTL_S = 20
HEARTBEAT_EVERY_S = 5.0
CANCEL_TTL_S = 24 * 3600
POLL_S = 1.0
# After a failed Redis call the next try comes sooner, doubling up to the usual interval: a
# heartbeat that lapses past its TTL would let the recovery sweep fail a live run.
RETRY_FIRST_S = 0.2


def _cancel_key(run_id: int) -> str:
    return f"autofix:run:{run_id}:cancel"


def alive_key(run_id: int) -> str:
    return f"autofix:run:{run_id}:alive"


class RunSignals:
    """Cancel requests and heartbeats of runs, shared by every worker through Redis."""

    def __init__(
        self, redis: Redis, *, beat_every_s: float = HEARTBEAT_EVERY_S, poll_s: float = POLL_S
    ) -> None:
        self.redis = redis
        self.beat_every_s = beat_every_s
        self.poll_s = poll_s

    async def request_cancel(self, run_id: int, reason: str) -> None:
        await self.redis.set(_cancel_key(run_id), reason, ex=CANCEL_TTL_S)

    async def cancel_reason(self, run_id: int) -> str | None:
        value = await self.redis.get(_cancel_key(run_id))
        if value is None:
            return None
        return value.decode() if isinstance(value, bytes) else str(value)

    async def beat(self, run_id: int) -> None:
        await self.redis.set(alive_key(run_id), "1", ex=HEARTBEAT_TTL_S)

    async def is_alive(self, run_id: int) -> bool:
        return bool(await self.redis.exists(alive_key(run_id)))

    async def stop_beating(self, run_id: int) -> None:
        await self.redis.delete(alive_key(run_id))

    @contextlib.asynccontextmanager
    async def heartbeat(self, run_id: int) -> AsyncIterator[None]:
        """Keep the run's liveness key fresh for the whole job, from before it is `running`."""
        await self.beat(run_id)

        async def loop() -> None:
            failures = 0
            while True:
                await asyncio.sleep(_pause(self.beat_every_s, failures))
                try:
                    await self.beat(run_id)
                    failures = 0
                except RedisError as exc:
                    failures += 1
                    log.warning("run %s: heartbeat failed (%s); retrying", run_id, exc)

        beating = asyncio.create_task(loop())
        try:
            yield
        finally:
            beating.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beating
            # Left alone, the key expires by itself within its TTL.
            with contextlib.suppress(RedisError):
                await self.stop_beating(run_id)

    @contextlib.asynccontextmanager
    async def watch(
        self, run_id: int, work: asyncio.Task[object]
    ) -> AsyncIterator[asyncio.Future[str]]:
        """Cancel `work` when a cancel flag appears; yields the reason once there is one."""
        reason: asyncio.Future[str] = asyncio.get_running_loop().create_future()

        async def loop() -> None:
            failures = 0
            while not work.done():
                try:
                    why = await self.cancel_reason(run_id)
                    failures = 0
                except RedisError as exc:
                    failures += 1
                    log.warning("run %s: cancel check failed (%s); retrying", run_id, exc)
                    why = None
                if why is not None:
                    if not reason.done():
                        reason.set_result(why)
                    work.cancel()
                    return
                await asyncio.sleep(_pause(self.poll_s, failures))

        watcher = asyncio.create_task(loop())
        try:
            yield reason
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher


def _pause(every_s: float, failures: int) -> float:
    """The usual interval, or a shorter, doubling one after consecutive failures."""
    if failures == 0:
        return every_s
    return min(RETRY_FIRST_S * 2.0 ** (failures - 1), every_s)
