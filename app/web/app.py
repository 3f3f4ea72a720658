"""The FastAPI application of `autofix serve`."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

from fastapi import FastAPI, Response
from fastapi.responses import HTMLResponse, JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from redis.exceptions import RedisError

from app.queue import queue_pool
from app.web.dashboard import RunRow, render_dashboard
from app.web.ingress import build_router
from app.web.metrics import WebMetrics

DatabaseCheck = Callable[[], Awaitable[bool]]
RunLister = Callable[[int], Awaitable[Sequence[RunRow]]]


def create_app(
    *,
    webhook_secret: str,
    redis_url: str,
    database_ok: DatabaseCheck,
    list_runs: RunLister | None = None,
    allowed_bots: frozenset[str] = frozenset(),
) -> FastAPI:
    """The webhook, health, metrics and dashboard routes bound to their dependencies."""
    metrics = WebMetrics()
    queue = queue_pool(redis_url)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await queue.aclose(close_connection_pool=True)

    app = FastAPI(title="autofix", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.queue = queue
    app.include_router(build_router(webhook_secret, queue, metrics, allowed_bots))

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
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @app.get("/", response_class=HTMLResponse)
    async def dashboard() -> HTMLResponse:
        rows = await list_runs(50) if list_runs else ()
        return HTMLResponse(render_dashboard(rows))

    return app
