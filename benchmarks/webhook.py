"""Webhook ingress speed and label -> status comment time. Prints one JSON object.

- Throughput/latency: signed deliveries against `autofix serve`'s app and a bare endpoint, both
  under uvicorn on loopback, saturated (closed loop) and at a steady rate (open loop). The load
  generator runs in its own process with bounded concurrency, so its CPU is not the server's.
- Breakdown: the endpoint's steps timed in-process (signature, parse, route, Redis script).
- Label -> status comment: a warm arq worker, the fake GitHub with production write pacing,
  and the scripted executor; time from the delivery to the status comment existing.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI, Request, Response

from app.queue import queue_pool
from app.web.app import create_app
from app.web.enqueue import DeliveryQueue
from app.web.payloads import Envelope
from app.web.routing import route
from app.web.signature import sign, verify_signature
from tests.services import free_port, redis_server

DELIVERIES = 2000
CONCURRENCY = 8
# Open loop: far more than any installation's real delivery rate, well below saturation.
PACED_RATE = 100.0
PACED_S = 10.0
LABEL_RUNS = 10
SECRET = "benchmark-secret"
ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "tests/fixtures/github/webhook-examples/issues.labeled.9.json"


def bare_app() -> FastAPI:
    app = FastAPI()

    @app.post("/webhook")
    async def webhook(request: Request) -> Response:
        await request.body()
        return Response(status_code=202)

    return app


class Served:
    """An ASGI app under uvicorn on a loopback port, in a thread."""

    def __init__(self, app: FastAPI) -> None:
        self.port = free_port()
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.01)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


# --- the load generator (its own process) ------------------------------------------------------
def _headers(signature: str) -> dict[str, str]:
    return {
        "X-GitHub-Event": "issues",
        "X-GitHub-Delivery": str(uuid.uuid4()),
        "X-Hub-Signature-256": signature,
        "Content-Type": "application/json",
    }


def _stats(latencies: list[float], elapsed: float) -> dict[str, float]:
    latencies.sort()
    return {
        "deliveries_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 2),
        "max_ms": round(latencies[-1] * 1000, 2),
    }


def distinct(body: bytes, run: str, index: int) -> bytes:
    """`body` with one extra field, so each delivery is new (identical bodies are replays)."""
    return body.rstrip()[:-1] + b',"bench_delivery":"%s-%d"}' % (run.encode(), index)


async def hammer(url: str, body: bytes, rate: float | None) -> dict[str, float]:
    """Closed loop (rate None): CONCURRENCY senders back to back, i.e. saturation.
    Open loop: deliveries start at `rate` per second whatever the replies do (bounded)."""
    latencies: list[float] = []
    count = DELIVERIES if rate is None else int(rate * PACED_S)
    # Signed up front: signing is the sender's cost, not the server's.
    run = uuid.uuid4().hex
    bodies = [distinct(body, run, i) for i in range(count + CONCURRENCY)]
    signatures = [sign(SECRET, b) for b in bodies]
    gate = asyncio.Semaphore(CONCURRENCY if rate is None else 4 * CONCURRENCY)
    limits = httpx.Limits(max_connections=4 * CONCURRENCY, max_keepalive_connections=None)

    async with httpx.AsyncClient(limits=limits) as client:

        async def send(i: int) -> None:
            async with gate:
                started = time.perf_counter()
                reply = await client.post(
                    url + "/webhook", content=bodies[i], headers=_headers(signatures[i])
                )
                latencies.append(time.perf_counter() - started)
                assert reply.status_code == 202, reply.text

        # Warm the connections.
        await asyncio.gather(*(send(count + i) for i in range(CONCURRENCY)))
        latencies.clear()
        started = time.perf_counter()
        tasks = []
        for i in range(count):
            if rate is not None:
                await asyncio.sleep(max(0.0, started + i / rate - time.perf_counter()))
            tasks.append(asyncio.create_task(send(i)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - started
    return _stats(latencies, elapsed)


def load(url: str, rate: float | None = None) -> dict[str, float]:
    """Run the load generator in a child process and read its JSON."""
    argv = [sys.executable, "-m", "benchmarks.webhook", "load", url, str(rate or 0)]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(done.stdout)
    return result


# --- where the endpoint's time goes ------------------------------------------------------------
def _micros(fn: Callable[[], object], n: int = 2000) -> float:
    started = time.perf_counter()
    for _ in range(n):
        fn()
    return round((time.perf_counter() - started) / n * 1e6, 1)


async def breakdown(redis_url: str, body: bytes) -> dict[str, float]:
    signature = sign(SECRET, body)
    envelope = Envelope.model_validate_json(body)
    plan = route("issues", "d", envelope, frozenset())
    assert plan is not None
    queue = queue_pool(redis_url)
    deliveries = DeliveryQueue(queue)
    payload = plan.trigger.model_dump(mode="json")
    n = 500
    await deliveries.accept(
        str(uuid.uuid4()), "handle_trigger", payload, body_digest="warm", job_id="warm"
    )
    started = time.perf_counter()
    for _ in range(n):
        job = str(uuid.uuid4())
        await deliveries.accept(
            str(uuid.uuid4()), "handle_trigger", payload, body_digest=job, job_id=job
        )
    script_us = (time.perf_counter() - started) / n * 1e6
    started = time.perf_counter()
    for _ in range(n):
        await queue.set(f"bench:{uuid.uuid4()}", "1", ex=60, nx=True)
        await queue.enqueue_job("handle_trigger", payload, _job_id=str(uuid.uuid4()))
    before_us = (time.perf_counter() - started) / n * 1e6
    await queue.flushall()
    await queue.aclose(close_connection_pool=True)
    return {
        "signature_us": _micros(lambda: verify_signature(SECRET, body, signature)),
        "parse_us": _micros(lambda: Envelope.model_validate_json(body)),
        "parse_json_loads_before_us": _micros(lambda: Envelope.model_validate(json.loads(body))),
        "route_us": _micros(lambda: route("issues", "d", envelope, frozenset())),
        "redis_one_script_us": round(script_us, 1),
        "redis_set_nx_plus_arq_enqueue_before_us": round(before_us, 1),
    }


# --- label -> status comment -------------------------------------------------------------------
async def label_to_status(redis_url: str, work: Path) -> dict[str, Any]:
    from tests.app.conftest import FILES
    from tests.app.harness import AppUnderTest, private_key_pem
    from tests.fakes.github_server import FakeGitHub

    samples: list[float] = []
    with FakeGitHub(work / "github") as github:
        github.add_repo("octo", "calc", files=dict(FILES))
        github.set_permission("alice", "write")
        app = AppUnderTest(github, redis_url, work, private_key_pem(), write_interval_s=1.0)
        async with app.serving():
            for index in range(LABEL_RUNS + 1):  # the first one warms the worker up
                number = github.add_issue("octo", "calc", f"bug {index}")
                started = time.perf_counter()
                await app.deliver("issues", app.payloads.labeled(number))
                while not app.status_comments(number):  # noqa: ASYNC110 - polling the fake
                    await asyncio.sleep(0.002)
                if index:
                    samples.append(time.perf_counter() - started)
                await app.wait_for_run(number, "resolved")
                await asyncio.sleep(2.5)  # let the last run's final (paced) writes settle
        await app.aclose()
    return {
        "runs": len(samples),
        "p50_s": round(statistics.median(samples), 3),
        "max_s": round(max(samples), 3),
        "notes": "warm worker; includes arq's 0.2 s poll delay and the API reads before "
        "the comment (permission, config); GitHub writes paced 1 s apart as in production",
    }


def main() -> None:
    body = EXAMPLE.read_bytes()
    with redis_server() as redis, tempfile.TemporaryDirectory() as tmp:
        app = create_app(webhook_secret=SECRET, redis_url=redis.url, database_ok=_db_ok)
        with Served(app) as url:
            autofix = load(url)
            paced = load(url, PACED_RATE)
        with Served(bare_app()) as url:
            bare = load(url)
            bare_paced = load(url, PACED_RATE)
        steps = asyncio.run(breakdown(redis.url, body))
        label = asyncio.run(label_to_status(redis.url, Path(tmp)))
    print(
        json.dumps(
            {
                "deliveries": DELIVERIES,
                "concurrency": CONCURRENCY,
                "payload_bytes": len(body),
                "saturated": {"autofix": autofix, "bare": bare},
                f"paced_{PACED_RATE:.0f}_per_s": {"autofix": paced, "bare": bare_paced},
                "throughput_ratio": round(
                    autofix["deliveries_per_s"] / bare["deliveries_per_s"], 2
                ),
                "breakdown": steps,
                "label_to_status_comment": label,
                "targets": {"p99_ms": 50, "throughput_ratio": 0.5},
            }
        )
    )


async def _db_ok() -> bool:
    return True


if __name__ == "__main__":
    if sys.argv[1:2] == ["load"]:
        rate = float(sys.argv[3]) or None
        print(json.dumps(asyncio.run(hammer(sys.argv[2], EXAMPLE.read_bytes(), rate))))
    else:
        main()
