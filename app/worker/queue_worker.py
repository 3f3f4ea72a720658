"""The arq worker of `autofix worker`: its jobs and schedule, each with explicit timeouts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from arq import cron, func
from arq.connections import ArqRedis, RedisSettings
from arq.worker import Worker

from app.queue import dump_job, load_job
from app.worker.ci_look import look_at_ci
from app.worker.deps import WorkerDeps, deps_of
from app.worker.handle import handle_trigger
from app.worker.recovery import recover_orphans
from app.worker.refresh import refresh_status
from app.worker.run_job import run_issue

DepsFactory = Callable[[ArqRedis], Awaitable[WorkerDeps]]
Closer = Callable[[WorkerDeps], Awaitable[None]]

# Handling a delivery is a few API calls; a transient failure may be retried twice.
HANDLE_TIMEOUT_S = 120
HANDLE_TRIES = 3
# A run is long and has side effects: one try; a killed worker's run is recovered, not re-run.
RUN_TIMEOUT_S = 3 * 3600
RUN_TRIES = 1
STATUS_TIMEOUT_S = 60
# One look at a head's CI; pushing the next candidate (gate mode) clones the repository.
LOOK_TIMEOUT_S = 600
RECOVER_TIMEOUT_S = 120
PRUNE_TIMEOUT_S = 600
SWEEP_TIMEOUT_S = 300


async def recover_job(ctx: dict[str, Any]) -> list[int]:
    """Periodic sweep for runs whose worker died (their heartbeat expired)."""
    return await recover_orphans(deps_of(ctx))


async def sweep_job(ctx: dict[str, Any]) -> int:
    """Every five minutes: sandboxes past their lifetime and volumes whose container is gone."""
    deps = deps_of(ctx)
    removed = await deps.reaper.sweep()
    deps.metrics.swept.inc(removed)
    return removed


async def prune_job(ctx: dict[str, Any]) -> int:
    """Hourly: remove autofix images no container uses and no run needed for a week."""
    return await deps_of(ctx).reaper.prune_images()


def worker_options(
    redis_url: str, make_deps: DepsFactory, close_deps: Closer | None = None, *, burst: bool = False
) -> dict[str, Any]:
    """Keyword arguments for `arq.worker.Worker` (spelled out: arq ignores unknown ones)."""

    async def startup(ctx: dict[str, Any]) -> None:
        ctx["deps"] = await make_deps(ctx["redis"])

    async def shutdown(ctx: dict[str, Any]) -> None:
        if close_deps is not None and "deps" in ctx:
            await close_deps(ctx["deps"])

    return {
        "functions": [
            func(
                handle_trigger, timeout=HANDLE_TIMEOUT_S, max_tries=HANDLE_TRIES, keep_result=3600
            ),
            func(run_issue, timeout=RUN_TIMEOUT_S, max_tries=RUN_TRIES, keep_result=24 * 3600),
            func(refresh_status, timeout=STATUS_TIMEOUT_S, max_tries=2, keep_result=600),
            # No result kept: a look's job id is free again as soon as it ends.
            func(look_at_ci, timeout=LOOK_TIMEOUT_S, max_tries=2, keep_result=0),
        ],
        "cron_jobs": [
            cron(
                recover_job,
                second={0, 15, 30, 45},
                run_at_startup=True,
                unique=True,
                timeout=RECOVER_TIMEOUT_S,
                max_tries=1,
            ),
            cron(
                sweep_job,
                minute=set(range(0, 60, 5)),
                second={30},
                # Once at start-up too: what a killed worker left behind goes first.
                run_at_startup=True,
                unique=True,
                timeout=SWEEP_TIMEOUT_S,
                max_tries=1,
            ),
            cron(
                prune_job, minute={7}, second={0}, unique=True, timeout=PRUNE_TIMEOUT_S, max_tries=1
            ),
        ],
        "redis_settings": RedisSettings.from_dsn(redis_url),
        # JSON, never pickle: whatever sits in Redis is data, not code (see app/queue.py).
        "job_serializer": dump_job,
        "job_deserializer": load_job,
        "on_startup": startup,
        "on_shutdown": shutdown,
        "job_timeout": HANDLE_TIMEOUT_S,
        "max_tries": 1,
        "max_jobs": 8,
        "allow_abort_jobs": True,
        "handle_signals": not burst,
        "burst": burst,
        "poll_delay": 0.2,
    }


def build_worker(
    redis_url: str, make_deps: DepsFactory, close_deps: Closer | None = None, *, burst: bool = False
) -> Worker:
    return Worker(**worker_options(redis_url, make_deps, close_deps, burst=burst))
