"""Cross-process run signals in Redis: the cancel flag and the liveness heartbeat."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from redis.asyncio import Redis

HEARTBEAT_TTL_S = 20
HEARTBEAT_EVERY_S = 5.0
CANCEL_TTL_S = 24 * 3600
POLL_S = 1.0


def _cancel_key(run_id: int) -> str:
    return f"autofix:run:{run_id}:cancel"


def alive_key(run_id: int) -> str:
    return f"autofix:run:{run_id}:alive"


class RunSignals:
    """Cancel requests and heartbeats of runs, shared by every worker through Redis."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

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
            while True:
                await asyncio.sleep(HEARTBEAT_EVERY_S)
                await self.beat(run_id)

        beating = asyncio.create_task(loop())
        try:
            yield
        finally:
            beating.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beating
            await self.stop_beating(run_id)

    @contextlib.asynccontextmanager
    async def watch(
        self, run_id: int, work: asyncio.Task[object]
    ) -> AsyncIterator[asyncio.Future[str]]:
        """Cancel `work` when a cancel flag appears; yields the reason once there is one."""
        reason: asyncio.Future[str] = asyncio.get_running_loop().create_future()

        async def loop() -> None:
            while not work.done():
                why = await self.cancel_reason(run_id)
                if why is not None:
                    if not reason.done():
                        reason.set_result(why)
                    work.cancel()
                    return
                await asyncio.sleep(POLL_S)

        watcher = asyncio.create_task(loop())
        try:
            yield reason
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
