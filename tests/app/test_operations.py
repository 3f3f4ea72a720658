"""What operators see of a run: the worker's metrics, the service's /metrics, JSON log lines."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import socket

import httpx
import uvicorn

from app.queue import queue_pool
from app.store.records import NewRun
from app.telemetry.logs import JsonFormatter
from app.web.signature import sign
from app.worker.recovery import recover_orphans
from tests.app.harness import SECRET, AppUnderTest


def sample(app: AppUnderTest, name: str, **labels: str) -> float:
    return app.metrics.registry.get_sample_value(name, labels) or 0.0


async def test_a_run_shows_in_metrics_and_every_log_line_names_it(app: AppUnderTest) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    loggers = [logging.getLogger("app.worker"), logging.getLogger("arq.worker")]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    number = app.github.add_issue("octo", "calc", "add() subtracts")
    delivery = "5f8e1c3a-0000-4000-8000-00000000beef"
    try:
        assert (
            await app.deliver("issues", app.payloads.labeled(number), delivery)
        ).status_code == 202
        transport = httpx.ASGITransport(app=app.web)
        async with httpx.AsyncClient(transport=transport, base_url="http://autofix") as client:
            queued = (await client.get("/metrics")).text
            await app.work_off()
            drained = (await client.get("/metrics")).text
    finally:
        for logger in loggers:
            logger.removeHandler(handler)

    assert "autofix_queue_jobs 1.0" in queued
    assert "autofix_queue_jobs 0.0" in drained
    assert "octo" not in queued + drained and "calc" not in queued + drained

    assert sample(app, "autofix_runs_total", status="resolved") == 1
    assert sample(app, "autofix_rollouts_total", exit_status="submitted") == 3
    assert sample(app, "autofix_gates_total", verdict="passed") >= 1
    assert sample(app, "autofix_spend_usd_total") > 0

    run = await app.store.latest_run("octo/calc", number)
    assert run is not None
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    run_lines = [line for line in lines if line["logger"] == "app.worker.run_job"]
    assert {line["message"] for line in run_lines} >= {"run started", "run ended"}
    for line in run_lines:
        assert line["run_id"] == str(run.id) and line["delivery_id"] == delivery
    # The queue's own lines about the jobs name them too.
    queue_lines = [line for line in lines if line["logger"] == "arq.worker"]
    about_run = [line for line in queue_lines if ":run_issue" in str(line["message"])]
    about_delivery = [line for line in queue_lines if ":handle_trigger" in str(line["message"])]
    assert about_run and all(line["run_id"] == str(run.id) for line in about_run)
    assert about_delivery and all(line["delivery_id"] == delivery for line in about_delivery)


async def test_the_service_logs_each_request_with_its_delivery(app: AppUnderTest) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    access = logging.getLogger("uvicorn.access")
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)  # requests wait in the backlog until the server takes over
    config = uvicorn.Config(app.web, log_config=None, lifespan="off", access_log=True)
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    delivery = "0c5b7e4a-1111-4000-8000-00000000cafe"
    try:
        number = app.github.add_issue("octo", "calc", "add() subtracts")
        body = json.dumps(app.payloads.labeled(number)).encode()
        headers = {
            "X-GitHub-Event": "issues",
            "X-GitHub-Delivery": delivery,
            "X-Hub-Signature-256": sign(SECRET, body),
            "Content-Type": "application/json",
        }
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        async with httpx.AsyncClient(base_url=url, timeout=10) as client:
            assert (await client.post("/webhook", content=body, headers=headers)).status_code == 202
            assert (await client.get("/healthz")).status_code == 200
    finally:
        server.should_exit = True
        await serving
        sock.close()
        access.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    webhook = [line for line in lines if "/webhook" in str(line["message"])]
    health = [line for line in lines if "/healthz" in str(line["message"])]
    assert len(webhook) == 1 and webhook[0]["delivery_id"] == delivery
    assert len(health) == 1 and health[0]["delivery_id"] is None  # nothing leaks across requests


async def test_runs_failed_by_recovery_are_counted(app: AppUnderTest) -> None:
    number = app.github.add_issue("octo", "calc", "add() subtracts")
    made = await app.store.create_run(
        NewRun(
            repo="octo/calc",
            installation_id=1,
            issue_number=number,
            trigger="label",
            delivery_id="d-recovered",
        )
    )
    # Running without a heartbeat: what a worker killed mid-run leaves behind.
    await app.store.transition(made.run.id, "running")
    redis = queue_pool(app.redis_url)
    try:
        deps = await app.make_deps(redis)
        assert await recover_orphans(deps) == [made.run.id]
        assert await recover_orphans(deps) == []
    finally:
        await redis.aclose(close_connection_pool=True)
        for clients in app.clients:
            await clients.aclose()
    assert sample(app, "autofix_runs_total", status="failed") == 1
