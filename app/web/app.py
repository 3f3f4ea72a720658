"""The FastAPI application of `autofix serve`."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

from fastapi import FastAPI, Response
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from redis.exceptions import RedisError

from app.queue import queue_pool
from app.telemetry.delivery import DeliveryContext
from app.telemetry.queue_metrics import QueueMetrics
from app.web.access import BEARER_HINT, install_handlers
from app.web.api import build_api
from app.web.auth.routes import build_auth_router
from app.web.dashboard import Dashboard
from app.web.events import build_events
from app.web.html import STATIC, problem
from app.web.ingress import build_router
from app.web.metrics import WebMetrics
from app.web.pages import build_pages
from app.web.security import install_security_headers

DatabaseCheck = Callable[[], Awaitable[bool]]
Closer = Callable[[], Awaitable[None]]


def create_app(
    *,
    webhook_secret: str,
    redis_url: str,
    database_ok: DatabaseCheck,
    dashboard: Dashboard | None = None,
    allowed_bots: frozenset[str] = frozenset(),
    closers: Sequence[Closer] = (),
) -> FastAPI:
    """The webhook, health, metrics and dashboard routes bound to their dependencies.

    Without a `dashboard` every dashboard page answers 401: runs are never shown to nobody.
    """
    metrics = WebMetrics()
    queue_metrics = QueueMetrics(metrics.registry)
    queue = queue_pool(redis_url)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        for close in closers:
            await close()
        await queue.aclose(close_connection_pool=True)

    app = FastAPI(title="autofix", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.queue = queue
    install_security_headers(app)
    app.include_router(build_router(webhook_secret, queue, metrics, allowed_bots))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/healthz")
    async def healthz() -> Response:
        checks: dict[str, bool] = {}
        try:
            checks["redis"] = bool(await queue.ping())
        except (RedisError, OSError):
            checks["redis"] = False
        try:
            checks["database"] = await database_ok()
        except Exception:  # any driver error means unhealthy; the check must not raise
            checks["database"] = False
        status = 200 if all(checks.values()) else 503
        return JSONResponse({"ok": status == 200, "checks": checks}, status_code=status)

    @app.get("/metrics")
    async def prometheus() -> Response:
        await queue_metrics.refresh(queue)
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    if dashboard is None:

        @app.get("/")
        async def closed() -> Response:
            return problem("Sign-in required", f"To see runs, {BEARER_HINT}.", 401)

    else:
        install_handlers(app, dashboard.gate)
        app.include_router(build_auth_router(dashboard.gate))
        app.include_router(build_pages(dashboard))
        app.include_router(build_api(dashboard))
        app.include_router(build_events(dashboard))
    # Added last, so it is the outermost middleware: the ones above run the app in a task of
    # their own, and the delivery id must be set where the access log line is written.
    app.add_middleware(DeliveryContext)
    return app
