"""The job queue's wire format: JSON both ways, so nothing read from Redis is ever unpickled.

arq pickles jobs and results by default, and anything that can write to Redis (a setup step on
the host network, say) could then run code in the worker. Every arq pool and worker of autofix
is built with these two functions instead; job arguments are plain JSON values.
"""

from __future__ import annotations

import json
from typing import Any

from arq.connections import ArqRedis
from redis.asyncio import ConnectionPool


def _fallback(value: object) -> object:
    # arq stores a failed job's exception as its result; keep its type and message as text.
    if isinstance(value, BaseException):
        return f"{type(value).__name__}: {value}"
    raise TypeError(f"a job argument or result must be JSON, not {type(value).__name__}")


def dump_job(data: Any) -> bytes:
    """Encode a job or job result for Redis; anything that is not JSON is refused."""
    return json.dumps(data, default=_fallback, separators=(",", ":")).encode()


def load_job(raw: bytes) -> Any:
    """Decode a job or job result read from Redis; bytes that are not JSON raise ValueError."""
    return json.loads(raw)


def queue_pool(redis_url: str) -> ArqRedis:
    """An arq pool speaking JSON that connects lazily with short timeouts (an outage fails fast)."""
    pool = ConnectionPool.from_url(
        redis_url, socket_connect_timeout=1.0, socket_timeout=2.0, max_connections=64
    )
    return ArqRedis(pool, job_serializer=dump_job, job_deserializer=load_job)
