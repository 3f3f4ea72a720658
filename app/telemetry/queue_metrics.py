"""Queue depth and the age of the oldest waiting job, read from Redis when Prometheus scrapes."""

from __future__ import annotations

import time

from arq.constants import default_queue_name
from prometheus_client import CollectorRegistry, Gauge
from redis.asyncio import Redis
from redis.exceptions import RedisError


class QueueMetrics:
    """Gauges of arq's queue (a sorted set scored by when each job may run, in ms)."""

    def __init__(self, registry: CollectorRegistry, queue: str = default_queue_name) -> None:
        self.queue = queue
        self.depth = Gauge(
            "autofix_queue_jobs", "Jobs waiting in the queue (deferred ones included).",
            registry=registry,
        )  # fmt: skip
        self.oldest = Gauge(
            "autofix_queue_oldest_job_age_seconds",
            "How long the oldest job that is due has waited (0 when none waits).",
            registry=registry,
        )
        self.up = Gauge(
            "autofix_queue_up", "1 when the queue could be read at the last scrape.",
            registry=registry,
        )  # fmt: skip

    async def refresh(self, redis: Redis) -> None:
        """Read the queue now; an unreachable Redis shows as autofix_queue_up 0."""
        now_ms = time.time() * 1000
        try:
            depth = await redis.zcard(self.queue)
            due = await redis.zrangebyscore(
                self.queue, "-inf", now_ms, start=0, num=1, withscores=True
            )
        except (RedisError, OSError):
            self.up.set(0)
            return
        self.up.set(1)
        self.depth.set(depth)
        self.oldest.set(max(now_ms - float(due[0][1]), 0.0) / 1000 if due else 0.0)
