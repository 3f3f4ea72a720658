"""Live runs reach the page as server-sent events, over a real HTTP connection."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import redis.asyncio as aioredis

from app.status.live import LiveBoard
from app.status.tracker import RunTracker
from app.store import Store, migrate
from app.web.server import app_from_settings
from scaling.events import RolloutStarted, RolloutStep
from tests.fakes.github_server import FakeGitHub
from tests.fakes.live_server import LiveServer
from tests.web.conftest import OPERATOR_TOKEN, dashboard_settings
from tests.web.samples import SCRIPT, finished_result, seed_run

BEARER = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}


async def _event(lines: AsyncIterator[str]) -> tuple[str, str] | None:
    """The next event of the stream as (name, data), or None once the stream has ended."""
    name, data = "", []
    async for line in lines:
        if line.startswith("event: "):
            name = line.removeprefix("event: ")
        elif line.startswith("data: "):
            data.append(line.removeprefix("data: "))
        elif not line and name:
            return name, "\n".join(data)
    return None


async def test_a_live_run_streams_its_changes_and_ends_when_finished(
    tmp_path: Path, fresh_redis_url: str, github: FakeGitHub
) -> None:
    with LiveServer() as server:
        settings = dashboard_settings(tmp_path, fresh_redis_url, github, public_url=server.url)
        assert settings.database_url is not None
        migrate(settings.database_url)
        store = Store.open(settings.database_url)
        run_id = await seed_run(store, "octo/visible", 4, status="running")
        server.start(app_from_settings(settings))
        board = LiveBoard(aioredis.Redis.from_url(fresh_redis_url))
        seen: list[tuple[str, str]] = []
        async with (
            httpx.AsyncClient(base_url=server.url, timeout=20) as client,
            client.stream("GET", f"/runs/{run_id}/events", headers=BEARER) as response,
        ):
            assert response.headers["content-type"].startswith("text/event-stream")
            lines = response.aiter_lines()
            while (event := await _event(lines)) is not None:
                seen.append(event)
                if event[0] == "run" and json.loads(event[1])["status"] == "running":
                    tracker = RunTracker(phase="running", budget_usd=5.0)
                    tracker.emit(RolloutStarted(rollout_id="r0-0", round=0))
                    tracker.emit(RolloutStep(rollout_id="r0-0", step=3, command=SCRIPT))
                    await board.publish(run_id, tracker)
                if event[0] == "progress" and "r0-0" in event[1]:
                    await store.record_result(run_id, finished_result(4, 1))
                    await store.transition(run_id, "resolved", winner="r0-0")
        await board.redis.aclose()
        store.close()
    names = [name for name, _ in seen]
    statuses = [json.loads(data)["status"] for name, data in seen if name == "run"]
    assert statuses == ["running", "resolved"]
    progress = next(data for name, data in seen if name == "progress")
    assert ">r0-0</a></td>" in progress and SCRIPT not in progress and "&lt;script&gt;" in progress
    assert names[-1] == "done" and json.loads(seen[-1][1]) == {"status": "resolved"}


async def test_event_streams_need_credentials(
    tmp_path: Path, fresh_redis_url: str, github: FakeGitHub
) -> None:
    with LiveServer() as server:
        settings = dashboard_settings(tmp_path, fresh_redis_url, github, public_url=server.url)
        assert settings.database_url is not None
        migrate(settings.database_url)
        store = Store.open(settings.database_url)
        run_id = await seed_run(store, "octo/visible", 4, status="running")
        store.close()
        server.start(app_from_settings(settings))
        async with httpx.AsyncClient(base_url=server.url, timeout=20) as client:
            answer = await client.get(f"/runs/{run_id}/events")
    assert answer.status_code == 401 and "octo/visible" not in answer.text
