"""`POST /webhook`: verify, dedupe, route, enqueue; never calls GitHub in the request path."""

from __future__ import annotations

import hashlib
import logging
import time

from arq.connections import ArqRedis
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from redis.exceptions import RedisError

from app.telemetry.labels import bounded
from app.trigger import HANDLE_JOB
from app.web.body import BadLength, BodyTooLarge, BodyTooSlow, read_body
from app.web.ci_events import CI_EVENTS, CiLooks, ci_head
from app.web.enqueue import DeliveryQueue
from app.web.metric_labels import WEBHOOK_OUTCOMES, WebhookOutcome, event_label
from app.web.metrics import WebMetrics
from app.web.payloads import Envelope
from app.web.routing import route
from app.web.signature import verify_signature

log = logging.getLogger(__name__)


def _reply(status: int, outcome: str) -> Response:
    return JSONResponse({"outcome": outcome}, status_code=status)


def build_router(
    secret: str, queue: ArqRedis, metrics: WebMetrics, allowed_bots: frozenset[str]
) -> APIRouter:
    """The webhook route bound to its dependencies."""
    router = APIRouter()
    deliveries = DeliveryQueue(queue)
    looks = CiLooks(queue)

    @router.post("/webhook")
    async def webhook(request: Request) -> Response:
        started = time.perf_counter()
        event = request.headers.get("X-GitHub-Event", "")
        delivery = request.headers.get("X-GitHub-Delivery", "")
        try:
            status, outcome = await _handle(request, event, delivery)
        finally:
            metrics.latency.observe(time.perf_counter() - started)
        labels = {"event": event_label(event), "outcome": bounded(outcome, WEBHOOK_OUTCOMES)}
        metrics.deliveries.labels(**labels).inc()
        return _reply(status, outcome)

    async def _handle(request: Request, event: str, delivery: str) -> tuple[int, WebhookOutcome]:
        try:
            body = await read_body(request)
        except BodyTooLarge:
            return 413, "too_large"
        except BodyTooSlow:
            return 408, "too_slow"
        except BadLength:
            return 400, "bad_length"
        if not verify_signature(secret, body, request.headers.get("X-Hub-Signature-256")):
            return 401, "bad_signature"
        if not delivery or not event:
            return 400, "missing_headers"
        if event == "ping":
            return 200, "pong"
        if event in CI_EVENTS:
            return await _nudge(body)
        try:
            # Parsed straight from bytes: pydantic's JSON parser is about 4x json.loads here.
            envelope = Envelope.model_validate_json(body)
        except ValidationError as exc:
            log.warning("delivery %s: unparseable %s payload: %s", delivery, event, exc)
            return 400, "bad_payload"
        plan = route(event, delivery, envelope, allowed_bots)
        if plan is None:
            return 202, "ignored"
        try:
            accepted = await deliveries.accept(
                delivery,
                HANDLE_JOB,
                plan.trigger.model_dump(mode="json"),
                body_digest=hashlib.sha256(body).hexdigest(),
                job_id=plan.job_id,
                defer_s=plan.defer_s,
                note=plan.note,
            )
        except (RedisError, OSError):
            # Nothing was marked seen (one atomic script), so GitHub's redelivery goes through.
            log.exception("delivery %s: redis unavailable", delivery)
            return 503, "queue_unavailable"
        if accepted == "duplicate":
            return 200, "duplicate"
        return 202, accepted

    async def _nudge(body: bytes) -> tuple[int, WebhookOutcome]:
        head = ci_head(body)
        if head is None:
            return 202, "ignored"
        try:
            looked = await looks.nudge(*head)
        except (RedisError, OSError):
            log.exception("CI event not passed on: redis unavailable")
            return 503, "queue_unavailable"
        return 202, looked

    return router
