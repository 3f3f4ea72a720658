from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
import redis.asyncio as aioredis
from fastapi import FastAPI

from app.web.app import create_app
from app.web.signature import sign
from tests.app.examples import load_example
from tests.services import redis_server, refusing_port

SECRET = "test-webhook-secret"
_EVENT_CLOCK = itertools.count()


async def _db_ok() -> bool:
    return True


def _app(redis_url: str, db_ok: bool = True) -> FastAPI:
    async def database_ok() -> bool:
        return db_ok

    return create_app(webhook_secret=SECRET, redis_url=redis_url, database_ok=database_ok)


@contextlib.asynccontextmanager
async def _client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client for `app` with its lifespan run, so its Redis pool is closed afterwards."""
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://a") as client,
    ):
        yield client


def _headers(body: bytes, event: str, delivery: str, secret: str = SECRET) -> dict[str, str]:
    return {
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery,
        "X-Hub-Signature-256": sign(secret, body),
        "Content-Type": "application/json",
    }


def _labeled() -> bytes:
    """A label event; each call is a distinct event (as GitHub stamps each with its time)."""
    data = load_example("issues.labeled.9.json")
    data["issue"]["updated_at"] = f"2026-01-01T00:00:00.{next(_EVENT_CLOCK):06d}Z"
    return json.dumps(data).encode()


async def _job_exists(redis_url: str, job_id: str) -> bool:
    client = aioredis.Redis.from_url(redis_url)
    try:
        return bool(await client.exists(f"arq:job:{job_id}"))
    finally:
        await client.aclose()


async def test_signed_label_event_is_queued_once(redis_url: str) -> None:
    delivery = str(uuid.uuid4())
    body = _labeled()
    async with _client(_app(redis_url)) as client:
        reply = await client.post(
            "/webhook", content=body, headers=_headers(body, "issues", delivery)
        )
    assert reply.status_code == 202
    assert await _job_exists(redis_url, f"evt:{delivery}")


async def test_bad_signature_is_401_and_nothing_is_queued(redis_url: str) -> None:
    delivery = str(uuid.uuid4())
    body = _labeled()
    headers = _headers(body, "issues", delivery, secret="not-the-secret")
    async with _client(_app(redis_url)) as client:
        reply = await client.post("/webhook", content=body, headers=headers)
        unsigned = await client.post("/webhook", content=body, headers={"X-GitHub-Event": "issues"})
    assert (reply.status_code, unsigned.status_code) == (401, 401)
    assert not await _job_exists(redis_url, f"evt:{delivery}")
    # A rejected delivery must not be remembered as seen: the real one still gets through.
    async with _client(_app(redis_url)) as client:
        good = await client.post(
            "/webhook", content=body, headers=_headers(body, "issues", delivery)
        )
    assert good.status_code == 202


async def test_redelivery_fifty_times_enqueues_one_job(redis_url: str) -> None:
    delivery = str(uuid.uuid4())
    body = _labeled()
    headers = _headers(body, "issues", delivery)
    async with _client(_app(redis_url)) as client:
        sequential = [
            (await client.post("/webhook", content=body, headers=headers)).status_code
            for _ in range(25)
        ]
        concurrent = await asyncio.gather(
            *(client.post("/webhook", content=body, headers=headers) for _ in range(25))
        )
    codes = sequential + [r.status_code for r in concurrent]
    assert codes.count(202) == 1
    assert codes.count(200) == 49
    client2 = aioredis.Redis.from_url(redis_url)
    try:
        queued = await client2.zrange("arq:queue", 0, -1)
    finally:
        await client2.aclose()
    assert queued.count(f"evt:{delivery}".encode()) == 1


async def test_ping_and_unhandled_events_are_acknowledged(redis_url: str) -> None:
    async with _client(_app(redis_url)) as client:
        for name, event in (("ping.none.0.json", "ping"), ("issues.opened.15.json", "issues")):
            body = json.dumps(load_example(name)).encode()
            headers = _headers(body, event, str(uuid.uuid4()))
            reply = await client.post("/webhook", content=body, headers=headers)
            assert 200 <= reply.status_code < 300
        body = b"{}"
        reply = await client.post(
            "/webhook", content=body, headers=_headers(body, "marketplace_purchase", "m1")
        )
        assert 200 <= reply.status_code < 300


async def test_malformed_json_is_400(redis_url: str) -> None:
    body = b"{not json"
    async with _client(_app(redis_url)) as client:
        reply = await client.post("/webhook", content=body, headers=_headers(body, "issues", "z"))
    assert reply.status_code == 400


async def test_redis_down_is_503_and_the_delivery_is_not_marked_seen() -> None:
    delivery = str(uuid.uuid4())
    body = _labeled()
    headers = _headers(body, "issues", delivery)
    with refusing_port() as port:
        async with _client(_app(f"redis://127.0.0.1:{port}/0")) as client:
            reply = await client.post("/webhook", content=body, headers=headers)
            health = await client.get("/healthz")
    assert reply.status_code == 503
    assert health.status_code == 503 and health.json()["checks"]["redis"] is False
    with redis_server() as server:
        async with _client(_app(server.url)) as client:
            retried = await client.post("/webhook", content=body, headers=headers)
        assert retried.status_code == 202
        assert await _job_exists(server.url, f"evt:{delivery}")


async def test_healthz_checks_redis_and_database(redis_url: str) -> None:
    async with _client(_app(redis_url)) as client:
        ok = await client.get("/healthz")
    async with _client(_app(redis_url, db_ok=False)) as client:
        bad = await client.get("/healthz")
    assert ok.status_code == 200 and ok.json()["checks"] == {"redis": True, "database": True}
    assert bad.status_code == 503 and bad.json()["checks"]["database"] is False


async def test_metrics_and_dashboard(redis_url: str) -> None:
    body = _labeled()
    async with _client(_app(redis_url)) as client:
        await client.post("/webhook", content=body, headers=_headers(body, "issues", "bad", "x"))
        metrics = await client.get("/metrics")
        page = await client.get("/")
    assert metrics.status_code == 200
    assert 'autofix_webhook_deliveries_total{event="issues",outcome="bad_signature"} 1.0' in (
        metrics.text
    )
    assert page.status_code == 401, "without a dashboard the runs page shows nothing"


@pytest.mark.parametrize("name", ["issues.labeled.10.json", "issue_comment.created.3.json"])
async def test_real_payloads_are_accepted(redis_url: str, name: str) -> None:
    data = load_example(name)
    if "comment" in data:
        data["comment"]["body"] = "/autofix status"
    body = json.dumps(data).encode()
    event = name.split(".")[0]
    async with _client(_app(redis_url)) as client:
        reply = await client.post(
            "/webhook", content=body, headers=_headers(body, event, str(uuid.uuid4()))
        )
    assert reply.status_code == 202


def _on_autofix_pr(name: str, review_id: int) -> dict[str, object]:
    data = load_example(name)
    data["pull_request"]["head"]["ref"] = "autofix/issue-7"
    data["pull_request"]["number"] = 8
    if "review" in data:
        data["review"].update(id=review_id, body="Please simplify.", state="changes_requested")
    else:
        # Each comment of the review is its own comment (and so its own body).
        data["comment"].update(pull_request_review_id=review_id, id=next(_EVENT_CLOCK))
    return data


async def test_a_review_and_its_comments_become_one_deferred_job_with_the_body(
    redis_url: str,
) -> None:
    review_id = int(uuid.uuid4().int % 10**9)
    events = [
        ("pull_request_review_comment", "pull_request_review_comment.created.0.json"),
        ("pull_request_review", "pull_request_review.submitted.0.json"),
        ("pull_request_review_comment", "pull_request_review_comment.created.0.json"),
    ]
    outcomes = []
    async with _client(_app(redis_url)) as client:
        for event, name in events:
            body = json.dumps(_on_autofix_pr(name, review_id)).encode()
            headers = _headers(body, event, str(uuid.uuid4()))
            outcomes.append((await client.post("/webhook", content=body, headers=headers)).json())
    assert [o["outcome"] for o in outcomes] == ["queued", "batched", "batched"]
    repo = load_example("pull_request_review.submitted.0.json")["repository"]["full_name"]
    job_id = f"review:{repo}:8:{review_id}"
    client2 = aioredis.Redis.from_url(redis_url)
    try:
        score = await client2.zscore("arq:queue", job_id)
        notes = await client2.lrange(f"autofix:notes:{job_id}", 0, -1)
    finally:
        await client2.aclose()
    assert score is not None, "one job for the whole review"
    assert notes == [b"Please simplify."], "the review body waits for the job"
