"""The worker cleans up sandboxes on a schedule of its own: a sweep at start-up and every
five minutes, and an hourly prune of unused images."""

from __future__ import annotations

from arq.connections import ArqRedis

from app.queue import queue_pool
from app.worker.queue_worker import prune_job, sweep_job, worker_options
from tests.app.harness import AppUnderTest
from tests.fakes.executor import RecordingReaper


async def test_prune_runs_hourly_apart_from_the_recovery_sweep(app: AppUnderTest) -> None:
    options = worker_options(app.redis_url, app.make_deps)
    jobs = {job.name: job for job in options["cron_jobs"]}
    assert set(jobs) == {"cron:recover_job", "cron:prune_job", "cron:sweep_job"}
    assert jobs["cron:prune_job"].minute == {7} and jobs["cron:prune_job"].unique
    assert jobs["cron:sweep_job"].minute == set(range(0, 60, 5)) and jobs["cron:sweep_job"].unique

    redis: ArqRedis = queue_pool(app.redis_url)
    try:
        deps = await app.make_deps(redis)
        assert isinstance(deps.reaper, RecordingReaper)
        assert await prune_job({"deps": deps}) == 0
        assert deps.reaper.pruned == 1
        assert await sweep_job({"deps": deps}) == 0
        assert deps.reaper.sweeps == 1
        deps.reaper.sweep_finds = 3
        assert await sweep_job({"deps": deps}) == 3
        assert deps.metrics.registry.get_sample_value("autofix_sandbox_swept_total") == 3
    finally:
        await redis.aclose(close_connection_pool=True)
        for clients in app.clients:
            await clients.aclose()


async def test_a_starting_worker_sweeps_what_a_killed_one_left_behind(app: AppUnderTest) -> None:
    reaper = app.reaper
    assert isinstance(reaper, RecordingReaper)
    await app.work_off()  # nothing queued: only what runs at start-up
    assert reaper.sweeps == 1
