"""Queue depth and the oldest job's age, read from the real Redis the queue lives in."""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry
from redis.asyncio import Redis

from app.queue import queue_pool
from app.telemetry.queue_metrics import QueueMetrics


async def test_depth_and_age_of_the_oldest_due_job(fresh_redis_url: str) -> None:
    registry = CollectorRegistry()
    metrics = QueueMetrics(registry)
    pool = queue_pool(fresh_redis_url)
    try:
        await metrics.refresh(pool)
        assert registry.get_sample_value("autofix_queue_jobs") == 0
        assert registry.get_sample_value("autofix_queue_oldest_job_age_seconds") == 0
        await pool.enqueue_job("run_issue", 1, _job_id="a")
        await pool.enqueue_job("run_issue", 2, _job_id="b", _defer_by=3600)
        # A job that has waited ten minutes (its score is when it became due, in ms).
        await pool.zadd("arq:queue", {"c": (time.time() - 600) * 1000})
        await metrics.refresh(pool)
    finally:
        await pool.aclose(close_connection_pool=True)
    assert registry.get_sample_value("autofix_queue_up") == 1
    assert registry.get_sample_value("autofix_queue_jobs") == 3
    age = registry.get_sample_value("autofix_queue_oldest_job_age_seconds")
    assert age is not None and 600 <= age < 3600  # the deferred job is not "waiting"


async def test_an_unreachable_queue_reads_as_down() -> None:
    registry = CollectorRegistry()
    metrics = QueueMetrics(registry)
    redis = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5)
    try:
        await metrics.refresh(redis)
    finally:
        await redis.aclose()
    assert registry.get_sample_value("autofix_queue_up") == 0
