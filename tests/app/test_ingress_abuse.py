"""The webhook under abuse: oversized bodies, replays under new ids, made-up event names."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import secrets
import socket
import uuid
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import httpx
import pytest
import redis.asyncio as aioredis
from fastapi import FastAPI, Request
from starlette.types import Message

from app.web.app import create_app
from app.web.body import MAX_BODY_BYTES, BodyTooSlow, read_body
from app.web.metric_labels import KNOWN_EVENTS, WEBHOOK_OUTCOMES
from app.web.signature import sign
from tests.app.examples import load_example
from tests.fakes.live_server import LiveServer

SECRET = "abuse-webhook-secret"
MIB = 1024 * 1024


async def _db_ok() -> bool:
    return True


@contextlib.asynccontextmanager
async def _client(redis_url: str) -> AsyncIterator[httpx.AsyncClient]:
    app: FastAPI = create_app(webhook_secret=SECRET, redis_url=redis_url, database_ok=_db_ok)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://a") as client,
    ):
        yield client


class Sender:
    """A request body of `total` bytes sent in 1 MiB chunks, counting what the server pulled."""

    def __init__(self, total: int) -> None:
        self.total, self.pulled = total, 0

    async def chunks(self) -> AsyncIterator[bytes]:
        while self.pulled < self.total:
            chunk = b"x" * min(MIB, self.total - self.pulled)
            self.pulled += len(chunk)
            yield chunk


def _signed(body: bytes, event: str = "issues", delivery: str | None = None) -> dict[str, str]:
    return {
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery or str(uuid.uuid4()),
        "X-Hub-Signature-256": sign(SECRET, body),
        "Content-Type": "application/json",
    }


async def test_a_30_mib_post_with_its_length_is_refused_before_any_of_it_is_read(
    redis_url: str,
) -> None:
    sender = Sender(30 * MIB)
    headers = {"X-GitHub-Event": "issues", "Content-Length": str(sender.total)}
    async with _client(redis_url) as client:
        reply = await client.post("/webhook", content=sender.chunks(), headers=headers)
    assert reply.status_code == 413
    assert sender.pulled <= MIB, f"the server read {sender.pulled} bytes of a refused body"


async def test_a_30_mib_chunked_post_is_refused_once_it_passes_the_limit(redis_url: str) -> None:
    sender = Sender(30 * MIB)
    async with _client(redis_url) as client:
        reply = await client.post(
            "/webhook", content=sender.chunks(), headers={"X-GitHub-Event": "issues"}
        )
    assert reply.status_code == 413
    assert sender.pulled <= MAX_BODY_BYTES + MIB, "reading stopped as soon as it was too large"


async def test_a_body_that_trickles_in_is_given_up_on() -> None:
    async def receive() -> Message:
        if not sent:
            sent.append(True)
            return {"type": "http.request", "body": b"{", "more_body": True}
        await asyncio.Event().wait()  # the sender never sends the rest
        raise AssertionError("unreachable")

    sent: list[bool] = []
    request = Request({"type": "http", "method": "POST", "headers": []}, receive)
    with pytest.raises(BodyTooSlow):
        await read_body(request, timeout_s=0.2)


async def test_a_body_at_the_limit_is_still_read(redis_url: str) -> None:
    sender = Sender(MAX_BODY_BYTES)
    async with _client(redis_url) as client:
        reply = await client.post(
            "/webhook", content=sender.chunks(), headers={"X-GitHub-Event": "issues"}
        )
    assert reply.status_code == 401, "read whole, then refused for its signature"


async def test_a_signed_body_replayed_under_new_delivery_ids_queues_one_job(
    redis_url: str,
) -> None:
    data = load_example("issues.labeled.9.json")
    data["issue"]["updated_at"] = f"replay-{uuid.uuid4()}"
    body = json.dumps(data).encode()
    deliveries = [str(uuid.uuid4()) for _ in range(5)]
    async with _client(redis_url) as client:
        replies = [
            await client.post("/webhook", content=body, headers=_signed(body, delivery=d))
            for d in deliveries
        ]
        # The same bytes announced as another event are the same replay.
        other = await client.post("/webhook", content=body, headers=_signed(body, "issue_comment"))
    assert [r.json()["outcome"] for r in replies] == ["queued"] + ["duplicate"] * 4
    assert other.json()["outcome"] in ("duplicate", "ignored")
    redis = aioredis.Redis.from_url(redis_url)
    try:
        queued = {j.decode() for j in await redis.zrange("arq:queue", 0, -1)}
    finally:
        await redis.aclose()
    assert [d for d in deliveries if f"evt:{d}" in queued] == deliveries[:1]


def _label_sets(metrics: str) -> set[str]:
    """The distinct label sets of the deliveries counter."""
    return set(re.findall(r"^autofix_webhook_deliveries_total(\{[^}]*\})", metrics, re.M))


async def test_made_up_event_names_do_not_grow_metrics(redis_url: str) -> None:
    names = [f"evt_{secrets.token_hex(6)}" for _ in range(200)]
    async with _client(redis_url) as client:
        await client.post("/webhook", content=b"{}", headers={"X-GitHub-Event": "issues"})
        before = _label_sets((await client.get("/metrics")).text)
        for name in names:
            await client.post("/webhook", content=b"{}", headers={"X-GitHub-Event": name})
        after = (await client.get("/metrics")).text
    assert not [n for n in names if n in after]
    assert len(_label_sets(after)) <= len(before) + 1, "at most one `other` series is added"
    assert 'event="other",outcome="bad_signature"} 200.0' in after


async def test_metrics_name_no_repository_or_person(redis_url: str) -> None:
    data = load_example("issues.labeled.9.json")
    data["repository"].update(name="quiet-project", full_name="secretive-org/quiet-project")
    data["repository"]["owner"]["login"] = "secretive-org"
    data["sender"]["login"] = "private-person"
    data["issue"]["user"]["login"] = "private-person"
    body = json.dumps(data).encode()
    async with _client(redis_url) as client:
        assert (await client.post("/webhook", content=body, headers=_signed(body))).is_success
        text = (await client.get("/metrics")).text
    labels = set(re.findall(r'="([^"]*)"', text))
    assert not [v for v in labels if re.search("secretive|quiet-project|private-person", v)]
    assert "queued" in labels, "the delivery was counted"


async def test_every_label_value_comes_from_a_known_vocabulary(redis_url: str) -> None:
    body = json.dumps(load_example("issues.labeled.9.json") | {"n": str(uuid.uuid4())}).encode()
    async with _client(redis_url) as client:
        await client.post("/webhook", content=body, headers=_signed(body))
        await client.post("/webhook", content=body, headers=_signed(body))
        await client.post("/webhook", content=b"{}", headers={"X-GitHub-Event": "<script>"})
        await client.post("/webhook", content=b"x", headers={"Content-Length": "abc"})
        await client.post("/webhook", content=b"{", headers=_signed(b"{", "issue_comment"))
        text = (await client.get("/metrics")).text
    pairs = set(re.findall(r'(event|outcome)="([^"]*)"', text))
    events = {v for k, v in pairs if k == "event"}
    outcomes = {v for k, v in pairs if k == "outcome"}
    assert events <= KNOWN_EVENTS | {"other", "none"}
    assert outcomes <= WEBHOOK_OUTCOMES
    assert {"queued", "duplicate", "bad_signature", "bad_payload"} <= outcomes


def test_a_real_server_answers_413_before_any_of_the_body_is_sent(redis_url: str) -> None:
    app = create_app(webhook_secret=SECRET, redis_url=redis_url, database_ok=_db_ok)
    with LiveServer() as live:
        live.start(app)
        address = urlsplit(live.url)
        assert address.hostname is not None and address.port is not None
        with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
            sock.sendall(
                b"POST /webhook HTTP/1.1\r\nHost: autofix\r\nX-GitHub-Event: issues\r\n"
                b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (30 * MIB)
            )
            # Not one byte of the body was sent: only a server that never waits for it answers.
            reply = sock.recv(4096)
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
