"""`autofix serve`: the webhook service under uvicorn, wired from Settings."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

import uvicorn
from fastapi import FastAPI
from sqlalchemy import text

from app.settings import Settings
from app.store import Store, create_sql_engine
from app.web.app import create_app
from app.web.dashboard import RunRow


def app_from_settings(settings: Settings, allowed_bots: frozenset[str] = frozenset()) -> FastAPI:
    """The FastAPI app with its database checks bound to `settings.database_url`."""
    assert settings.database_url is not None and settings.webhook_secret is not None
    engine = create_sql_engine(settings.database_url)
    store = Store(engine)

    def ping() -> bool:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True

    async def database_ok() -> bool:
        return await asyncio.wait_for(asyncio.to_thread(ping), timeout=3.0)

    async def list_runs(limit: int) -> Sequence[RunRow]:
        runs = await store.list_runs(limit=limit)
        return [
            RunRow(
                id=str(r.id),
                repo=r.repo,
                issue=r.issue_number,
                status=r.status,
                created=r.created_at.strftime("%Y-%m-%d %H:%M"),
                pr_url=r.pr_url,
                cost_usd=r.cost_usd,
            )
            for r in runs
        ]

    return create_app(
        webhook_secret=settings.webhook_secret.get_secret_value(),
        redis_url=settings.redis_url,
        database_ok=database_ok,
        list_runs=list_runs,
        allowed_bots=allowed_bots,
    )


def serve_main(settings: Settings, host: str = "0.0.0.0", port: int = 8000) -> int:
    """Serve until interrupted."""
    logging.basicConfig(level=logging.INFO)
    uvicorn.run(app_from_settings(settings), host=host, port=port, log_level="info")
    return 0
