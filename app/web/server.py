"""`autofix serve`: the webhook service and dashboard under uvicorn, wired from Settings."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

import httpx
import uvicorn
from fastapi import FastAPI
from redis.asyncio import Redis
from sqlalchemy import text

from app.ci.follow import CiRecords
from app.settings import Settings
from app.status.live import LiveBoard
from app.store import Store, create_sql_engine
from app.telemetry.logs import configure_logging
from app.web.app import create_app
from app.web.auth.config import auth_config, operator_token
from app.web.auth.gate import Gatekeeper, SignIn
from app.web.auth.github import GitHubOAuth
from app.web.auth.sessions import SessionStore
from app.web.dashboard import Dashboard

GITHUB_TIMEOUT_S = 10.0


def app_from_settings(
    settings: Settings,
    allowed_bots: frozenset[str] = frozenset(),
    clock: Callable[[], float] = time.time,
) -> FastAPI:
    """The FastAPI app with its database, sign-in and dashboard bound to `settings`."""
    assert settings.database_url is not None and settings.webhook_secret is not None
    engine = create_sql_engine(settings.database_url)
    store = Store(engine)
    auth = auth_config(settings)
    token = operator_token(settings)
    redis = Redis.from_url(settings.redis_url, socket_connect_timeout=1.0, socket_timeout=2.0)
    http = httpx.AsyncClient(timeout=GITHUB_TIMEOUT_S, follow_redirects=False)
    sign_in = None
    if auth is not None:
        sessions = SessionStore(
            redis, max_age_s=auth.session_max_age_s, state_ttl_s=auth.state_ttl_s
        )
        sign_in = SignIn(auth, sessions, GitHubOAuth(auth, http))
    dashboard = Dashboard(
        reader=store,
        gate=Gatekeeper(sign_in, token, clock),
        web_url=settings.web_url(),
        runs_dir=(settings.work_dir / "runs").resolve(),
        live=LiveBoard(redis),
        ci=CiRecords(redis),
        clock=clock,
    )

    def ping() -> bool:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True

    async def database_ok() -> bool:
        return await asyncio.wait_for(asyncio.to_thread(ping), timeout=3.0)

    async def close_sessions() -> None:
        await redis.aclose()

    return create_app(
        webhook_secret=settings.webhook_secret.get_secret_value(),
        redis_url=settings.redis_url,
        database_ok=database_ok,
        dashboard=dashboard,
        allowed_bots=allowed_bots,
        closers=(http.aclose, close_sessions),
    )


def serve_main(settings: Settings, host: str = "0.0.0.0", port: int = 8000) -> int:
    """Serve until interrupted."""
    configure_logging(logging.INFO)
    # log_config=None: uvicorn's loggers go through the JSON handler like everything else.
    uvicorn.run(app_from_settings(settings), host=host, port=port, log_config=None)
    return 0
