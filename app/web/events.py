"""`/runs/{id}/events`: server-sent events while a run is live, ending when it finishes."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

from fastapi import APIRouter, Depends
from starlette.responses import StreamingResponse

from app.store.records import Run
from app.web.access import Admit
from app.web.auth.viewer import Viewer
from app.web.dashboard import Dashboard
from app.web.html import render_html
from app.web.runs import RunSummary

# A comment line this often keeps proxies from closing an idle stream.
KEEPALIVE_S = 15.0


def sse(event: str, data: str) -> str:
    lines = "".join(f"data: {line}\n" for line in data.splitlines() or [""])
    return f"event: {event}\n{lines}\n"


def snapshot(run: Run) -> str:
    return json.dumps(
        RunSummary.of(run).model_dump(mode="json")
        | {"updated_at": run.updated_at.isoformat(), "error": run.error},
        sort_keys=True,
    )


def build_events(dashboard: Dashboard) -> APIRouter:
    router = APIRouter()
    admit = Depends(Admit(dashboard.gate))

    @router.get("/runs/{run_id}/events")
    async def events(run_id: int, viewer: Viewer = admit) -> StreamingResponse:
        first = await dashboard.visible_run(viewer, run_id)
        return StreamingResponse(
            _stream(dashboard, first),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    return router


async def _stream(dashboard: Dashboard, run: Run) -> AsyncIterator[str]:
    """The run's state now, then again each time it changes; `done` once it has finished."""
    ends = time.monotonic() + dashboard.stream_s
    quiet_since = time.monotonic()
    sent = ""
    yield "retry: 2000\n\n"
    shown = ""
    while True:
        state = snapshot(run)
        if state != sent:
            yield sse("run", state)
            sent, quiet_since = state, time.monotonic()
        progress = await dashboard.progress(run)
        fragment = (
            render_html("progress.html.jinja", progress=progress, run_id=run.id) if progress else ""
        )
        if fragment != shown:
            yield sse("progress", fragment)
            shown, quiet_since = fragment, time.monotonic()
        if not run.active:
            yield sse("done", json.dumps({"status": run.status}))
            return
        if time.monotonic() >= ends:
            return
        if time.monotonic() - quiet_since >= KEEPALIVE_S:
            yield ": keep-alive\n\n"
            quiet_since = time.monotonic()
        await asyncio.sleep(dashboard.poll_s)
        run = await dashboard.reader.get_run(run.id)
