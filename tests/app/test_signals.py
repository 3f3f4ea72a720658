"""Run signals outlive a Redis outage: the heartbeat comes back and cancels still arrive."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import pytest
from redis.asyncio import Redis

from app.worker.signals import RunSignals, alive_key
from tests.fakes.flaky_proxy import FlakyProxy
from tests.services import RedisServer

pytestmark = pytest.mark.redis
RUN = 4242


async def _eventually(check: Callable[[], Awaitable[object]], deadline_s: float = 10.0) -> bool:
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline_s
    while loop.time() < end:
        if await check():
            return True
        await asyncio.sleep(0.05)
    return False


async def test_heartbeat_and_cancel_watcher_survive_a_redis_outage(
    redis_server: RedisServer,
) -> None:
    direct = Redis.from_url(redis_server.url)
    await direct.delete(alive_key(RUN), f"autofix:run:{RUN}:cancel")
    async with FlakyProxy(redis_server.port) as proxy:
        through = Redis.from_url(proxy.url, socket_timeout=1)
        signals = RunSignals(through, beat_every_s=0.05, poll_s=0.05)
        work: asyncio.Task[object] = asyncio.create_task(asyncio.sleep(3600))
        try:
            async with signals.heartbeat(RUN), signals.watch(RUN, work) as reason:
                # Several beats and cancel checks fail while Redis cannot be reached.
                async with proxy.outage(0.6):
                    await direct.delete(alive_key(RUN))
                assert await _eventually(lambda: direct.exists(alive_key(RUN))), (
                    "the heartbeat came back after the outage"
                )
                await RunSignals(direct).request_cancel(RUN, "stop")
                assert await _eventually(_done(work)), "the cancel reached the run"
                assert reason.result() == "stop"
        finally:
            work.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await work
            await through.aclose()
    await direct.delete(f"autofix:run:{RUN}:cancel")
    await direct.aclose()


def _done(task: asyncio.Task[object]) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return task.done()

    return check
