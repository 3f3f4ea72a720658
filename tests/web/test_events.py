"""Live runs reach the page as server-sent events, over a real HTTP connection."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx

from app.store import Store, migrate
from app.web.server import app_from_settings
from tests.fakes.github_server import FakeGitHub
from tests.web.conftest import OPERATOR_TOKEN, dashboard_settings
from tests.web.live import LiveServer
from tests.web.samples import finished_result, seed_run

BEARER = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}


async def _events(lines: AsyncIterator[str]) -> list[tuple[str, dict[str, object]]]:
    """The next event of the stream (or nothing once it has ended)."""
    events: list[tuple[str, dict[str, object]]] = []
    name = ""
    async for line in lines:
        if line.startswith("event: "):
            name = line.removeprefix("event: ")
        elif line.startswith("data: "):
            events.append((name, json.loads(line.removeprefix("data: "))))
            return events
    return events


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
        seen: list[tuple[str, dict[str, object]]] = []
        async with (
            httpx.AsyncClient(base_url=server.url, timeout=20) as client,
            client.stream("GET", f"/runs/{run_id}/events", headers=BEARER) as response,
        ):
            assert response.headers["content-type"].startswith("text/event-stream")
            lines = response.aiter_lines()
            seen += await _events(lines)
            assert seen[0] == ("run", seen[0][1]) and seen[0][1]["status"] == "running"
            await store.record_result(run_id, finished_result(4, 1))
            await store.transition(run_id, "resolved", winner="r0-0")
            while not seen or seen[-1][0] != "done":
                more = await _events(lines)
                if not more:
                    break
                seen += more
        store.close()
    statuses = [data["status"] for name, data in seen if name == "run"]
    assert statuses == ["running", "resolved"]
    assert seen[-1] == ("done", {"status": "resolved"})


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
