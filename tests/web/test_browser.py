"""The dashboard in Debian's headless Chromium against a real server and the fake GitHub."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis.asyncio as aioredis
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from app.status.live import LiveBoard
from app.status.tracker import RunTracker
from app.store import Store, migrate
from app.web.server import app_from_settings
from scaling.events import RolloutStarted, RolloutStep
from tests.browser import chromium
from tests.fakes.github_server import FakeGitHub
from tests.fakes.live_server import LiveServer
from tests.web.conftest import HIDDEN, dashboard_settings
from tests.web.samples import (
    ci_record,
    failed_ci,
    finished_result,
    save_ci,
    seed_run,
    write_trajectory,
)

# Screenshots are kept for people to look at (the folder is ignored by git).
ARTIFACTS = Path(__file__).resolve().parents[2] / ".artifacts" / "browser"


@dataclass
class Site:
    url: str
    store: Store
    work_dir: Path
    redis_url: str
    browser: webdriver.Chrome

    def open(self, path: str) -> None:
        self.browser.get(self.url + path)

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.browser.save_screenshot(str(path))
        return path

    def text(self) -> str:
        return str(self.browser.find_element(By.TAG_NAME, "body").text)


@pytest.fixture
def site(tmp_path: Path, fresh_redis_url: str, github: FakeGitHub) -> Iterator[Site]:
    with LiveServer() as server:
        settings = dashboard_settings(tmp_path, fresh_redis_url, github, public_url=server.url)
        assert settings.database_url is not None
        migrate(settings.database_url)
        store = Store.open(settings.database_url)
        server.start(app_from_settings(settings))
        try:
            with chromium(tmp_path / "profile") as browser:
                yield Site(server.url, store, settings.work_dir, fresh_redis_url, browser)
        finally:
            store.close()


def _sign_in(site: Site) -> None:
    site.open("/")
    WebDriverWait(site.browser, 20).until(lambda b: b.current_url.startswith(site.url + "/"))
    WebDriverWait(site.browser, 20).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, "h1") and "Runs" in b.title
    )


def test_sign_in_shows_only_the_runs_one_may_see(site: Site) -> None:
    for repo, issue in (("octo/visible", 1), ("acme/tools", 2), (HIDDEN, 3)):
        asyncio.run(seed_run(site.store, repo, issue, status="unresolved"))
    _sign_in(site)
    assert site.browser.current_url.rstrip("/") == site.url
    body = site.text()
    assert "octo/visible" in body and "acme/tools" in body and HIDDEN not in body
    assert "alice" in body
    site.shot("runs-list")


def test_run_page_draws_the_bracket_and_links_every_rollout(site: Site) -> None:
    result = finished_result(16, 2)
    run_id = asyncio.run(seed_run(site.store, "octo/visible", 7, result=result))
    write_trajectory(
        site.work_dir / "runs" / str(run_id) / "trajectories", "r1-0", output="3 passed in 0.1s"
    )
    ci = ci_record(run_id, "octo/visible", 107, failed_ci(), spent_s=240.0, settled=True)
    asyncio.run(save_ci(site.redis_url, ci))
    _sign_in(site)
    site.open(f"/runs/{run_id}")
    failing = site.browser.find_element(By.LINK_TEXT, "unit tests")
    assert failing.get_attribute("href") == "https://ci.example/runs/11"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    site.browser.find_element(By.ID, "ci").screenshot(str(ARTIFACTS / "run-ci.png"))
    bracket = site.browser.find_element(By.CSS_SELECTOR, "svg.bracket")
    assert bracket.size["width"] > 300 and bracket.size["height"] > 100
    drawn = {e.text.split(" ")[0] for e in bracket.find_elements(By.CSS_SELECTOR, "text.entrant")}
    entrants = {c for m in result.matches for c in m.candidates}
    assert drawn == entrants
    for record in result.rollouts:
        site.browser.find_element(By.LINK_TEXT, record.id)
    site.shot("run-page")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    site.browser.find_element(By.CSS_SELECTOR, "figure.tournament").screenshot(
        str(ARTIFACTS / "run-bracket.png")
    )
    site.browser.find_element(By.LINK_TEXT, "r1-0").click()
    WebDriverWait(site.browser, 20).until(lambda b: "Rollout r1-0" in b.page_source)
    assert "$ pytest -q -k step1" in site.text()
    site.shot("rollout-page")


def test_a_live_run_updates_itself_when_it_finishes(site: Site) -> None:
    run_id = asyncio.run(seed_run(site.store, "octo/visible", 8, status="running"))
    _sign_in(site)
    site.open(f"/runs/{run_id}")
    status = site.browser.find_element(By.CSS_SELECTOR, "h1 [data-field=status]")
    assert status.text == "running"
    site.shot("live-before")

    async def progress() -> None:
        tracker = RunTracker(phase="running", budget_usd=5.0)
        for n in range(3):
            tracker.emit(RolloutStarted(rollout_id=f"r0-{n}", round=0))
            tracker.emit(RolloutStep(rollout_id=f"r0-{n}", step=n + 2, command="pytest -q"))
        redis = aioredis.Redis.from_url(site.redis_url)
        try:
            await LiveBoard(redis).publish(run_id, tracker)
        finally:
            await redis.aclose()

    asyncio.run(progress())
    WebDriverWait(site.browser, 20).until(
        lambda b: len(b.find_elements(By.CSS_SELECTOR, "#progress tr[data-rollout]")) == 3
    )
    site.shot("live-progress")

    async def finish() -> None:
        await site.store.record_result(run_id, finished_result(4, 1))
        await site.store.transition(run_id, "resolved", winner="r0-0")

    asyncio.run(finish())
    WebDriverWait(site.browser, 30).until(
        lambda b: (
            b.find_elements(By.CSS_SELECTOR, "svg.bracket")
            and b.find_element(By.CSS_SELECTOR, "h1 [data-field=status]").text == "resolved"
        )
    )
    site.shot("live-after")


def test_the_runs_list_keeps_live_statuses_current(site: Site) -> None:
    run_id = asyncio.run(seed_run(site.store, "octo/visible", 9, status="running"))
    _sign_in(site)
    cell = f"tr[data-run='{run_id}'] [data-field=status]"
    assert site.browser.find_element(By.CSS_SELECTOR, cell).text == "running"
    asyncio.run(site.store.transition(run_id, "unresolved"))
    WebDriverWait(site.browser, 30).until(
        lambda b: b.find_element(By.CSS_SELECTOR, cell).text == "unresolved"
    )
    site.shot("runs-list-live")
