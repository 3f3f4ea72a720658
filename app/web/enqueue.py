"""Marks a delivery seen and enqueues its arq job in one atomic Redis round trip.

arq's own `enqueue_job` costs three round trips (WATCH, EXISTS, MULTI/EXEC) and the dedupe
marker a fourth; under load those round trips were most of the webhook's latency. One Lua
script does all of it atomically, so a failure leaves nothing half-done: the delivery is never
marked seen without its job, and GitHub's redelivery of a 503 goes through.
"""

from __future__ import annotations

from typing import Any, Literal

from arq.connections import ArqRedis
from arq.constants import default_queue_name, job_key_prefix, result_key_prefix
from arq.jobs import serialize_job
from arq.utils import timestamp_ms

from app.queue import dump_job
from app.trigger import notes_key

# GitHub lets maintainers redeliver for days; keep the marker longer than that.
DEDUPE_TTL_S = 5 * 24 * 3600
# As arq does: a job not started within a day (after its deferral) is dropped.
EXPIRES_EXTRA_MS = 24 * 3600 * 1000
NOTES_TTL_S = 24 * 3600

Accepted = Literal["queued", "batched", "duplicate"]

# KEYS: seen marker, job, job result, queue, notes list, body marker
# ARGV: dedupe ttl s, job id, job bytes, expires ms, score, note ('' for none), notes ttl s
_SCRIPT = """
if redis.call('EXISTS', KEYS[6]) == 1 then
  return 0
end
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  return 0
end
redis.call('SET', KEYS[6], '1', 'EX', ARGV[1])
if ARGV[6] ~= '' then
  redis.call('RPUSH', KEYS[5], ARGV[6])
  redis.call('EXPIRE', KEYS[5], ARGV[7])
end
if redis.call('EXISTS', KEYS[2], KEYS[3]) > 0 then
  return 2
end
redis.call('PSETEX', KEYS[2], ARGV[4], ARGV[3])
redis.call('ZADD', KEYS[4], ARGV[5], ARGV[2])
return 1
"""
_OUTCOMES: dict[int, Accepted] = {0: "duplicate", 1: "queued", 2: "batched"}


def seen_key(delivery: str) -> str:
    return f"autofix:delivery:{delivery}"


def body_key(digest: str) -> str:
    """Marks a signed body as seen: a replay under a new delivery id is still a duplicate."""
    return f"autofix:body:{digest}"


class DeliveryQueue:
    """Enqueues each delivery's job at most once, whether it comes back under its own delivery
    id or (replayed) under another; jobs with the same id batch their notes."""

    def __init__(self, redis: ArqRedis) -> None:
        self.redis = redis
        self._script: Any = redis.register_script(_SCRIPT)

    async def accept(
        self,
        delivery: str,
        function: str,
        payload: dict[str, Any],
        *,
        body_digest: str,
        job_id: str,
        defer_s: float = 0.0,
        note: str = "",
    ) -> Accepted:
        """Queue `function(payload)` as `job_id` unless this delivery, or a delivery with the
        same body (`body_digest`, a hash of the signed bytes), was seen before."""
        now = timestamp_ms()
        defer_ms = int(defer_s * 1000)
        job = serialize_job(function, (payload,), {}, None, now, serializer=dump_job)
        keys = [
            seen_key(delivery),
            job_key_prefix + job_id,
            result_key_prefix + job_id,
            default_queue_name,
            notes_key(job_id),
            body_key(body_digest),
        ]
        args = [DEDUPE_TTL_S, job_id, job, defer_ms + EXPIRES_EXTRA_MS, now + defer_ms, note]
        outcome = await self._script(keys=keys, args=[*args, NOTES_TTL_S])
        return _OUTCOMES[int(outcome)]
