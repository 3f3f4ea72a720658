"""Webhook ingress speed on loopback: signed deliveries/s and time to the 202 vs a bare endpoint.

Prints one JSON object. Bounded: DELIVERIES requests per target, CONCURRENCY in flight.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import threading
import time
import uuid
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI, Request, Response

from app.web.app import create_app
from app.web.signature import sign
from tests.services import free_port, redis_server

DELIVERIES = 1000
CONCURRENCY = 16
SECRET = "benchmark-secret"
EXAMPLE = (
    Path(__file__).resolve().parents[2] / "shared/github/webhook-examples/issues.labeled.9.json"
)


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
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
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


async def hammer(url: str, body: bytes) -> dict[str, float]:
    latencies: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(DELIVERIES):
        queue.put_nowait(i)
    signature = sign(SECRET, body)

    async def worker(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            queue.get_nowait()
            headers = {
                "X-GitHub-Event": "issues",
                "X-GitHub-Delivery": str(uuid.uuid4()),
                "X-Hub-Signature-256": signature,
                "Content-Type": "application/json",
            }
            started = time.perf_counter()
            reply = await client.post(url + "/webhook", content=body, headers=headers)
            latencies.append(time.perf_counter() - started)
            assert reply.status_code == 202, reply.text

    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=CONCURRENCY)) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(CONCURRENCY)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "deliveries_per_s": round(DELIVERIES / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 2),
    }


async def db_ok() -> bool:
    return True


def main() -> None:
    body = EXAMPLE.read_bytes()
    with redis_server() as redis:
        app = create_app(webhook_secret=SECRET, redis_url=redis.url, database_ok=db_ok)
        with Served(app) as url:
            autofix = asyncio.run(hammer(url, body))
        with Served(bare_app()) as url:
            bare = asyncio.run(hammer(url, body))
    print(
        json.dumps(
            {
                "deliveries": DELIVERIES,
                "concurrency": CONCURRENCY,
                "autofix": autofix,
                "bare": bare,
                "throughput_ratio": round(
                    autofix["deliveries_per_s"] / bare["deliveries_per_s"], 2
                ),
                "targets": {"p99_ms": 50, "throughput_ratio": 0.5},
                "label_to_status_comment_s": None,
            }
        )
    )


if __name__ == "__main__":
    main()
