"""The queue carries JSON only: a pickled job planted in Redis is refused, never unpickled."""

from __future__ import annotations

import json
import pickle
import time
from pathlib import Path

import pytest
from redis.asyncio import Redis

from app.queue import dump_job, load_job
from tests.app.harness import AppUnderTest


class _Planted:
    """Unpickling this object creates a file: proof that code ran in the worker."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.target), "w"))


async def test_a_pickled_job_is_never_unpickled_and_fails_cleanly(
    app: AppUnderTest, tmp_path: Path
) -> None:
    proof = tmp_path / "unpickled"
    job = {"t": 1, "f": "handle_trigger", "a": (_Planted(proof),), "k": {}, "et": 0}
    raw = pickle.dumps(job)
    pickle.loads(raw)["a"][0].close()  # the payload works as an attack would: it makes the file
    assert proof.exists()
    proof.unlink()

    number = app.github.add_issue("octo", "calc", "add() subtracts")
    async with Redis.from_url(app.redis_url) as redis:
        await redis.psetex("arq:job:planted", 60_000, raw)
        await redis.zadd("arq:queue", {"planted": int(time.time() * 1000)})
        reply = await app.deliver("issues", app.payloads.labeled(number))
        assert reply.status_code == 202
        await app.work_off()
        assert not proof.exists()
        result = load_job(await redis.get("arq:result:planted"))
        assert result["s"] is False and "DeserializationError" in result["r"]
        # Everything the web service and the worker left in Redis is JSON.
        keys = [k async for k in redis.scan_iter("arq:*")]
        stored = [await redis.get(k) for k in keys if k.startswith((b"arq:job:", b"arq:result:"))]
        assert len(stored) >= 2
        assert all(isinstance(json.loads(value), dict) for value in stored if value)
    # The worker went on to the real delivery after refusing the planted job.
    assert len(app.pulls()) == 1


def test_arguments_that_are_not_json_are_refused() -> None:
    with pytest.raises(TypeError, match="must be JSON"):
        dump_job({"a": (object(),)})
    assert load_job(dump_job({"r": ValueError("boom")})) == {"r": "ValueError: boom"}
    with pytest.raises(ValueError):
        load_job(pickle.dumps({"a": 1}))
