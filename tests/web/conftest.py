"""A dashboard over a real store and Redis, signing in against the fake GitHub's OAuth."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI

from app.settings import Settings
from app.store import Store, migrate
from app.web.server import app_from_settings
from tests.fakes.github_server import FakeGitHub

CLIENT_ID = "Iv1.dashboard"
CLIENT_SECRET = "dashboard-client-secret"
SESSION_SECRET = "0123456789abcdef" * 4
OPERATOR_TOKEN = "operator-token-" + "x" * 24
PUBLIC_URL = "http://dashboard.test"
VISIBLE = "octo/visible"
ALSO_VISIBLE = "acme/tools"
HIDDEN = "octo/secret-plans"


class Clock:
    """Wall-clock time the test moves forward."""

    def __init__(self, now: float = 1_900_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def github(tmp_path: Path) -> Iterator[FakeGitHub]:
    """GitHub with three repositories; alice may see two of them, in two installations."""
    with FakeGitHub(tmp_path / "github") as fake:
        fake.add_repo("octo", "visible", installation_id=1)
        fake.add_repo("acme", "tools", installation_id=2)
        fake.add_repo("octo", "secret-plans", installation_id=1, private=True)
        fake.oauth.register(CLIENT_ID, CLIENT_SECRET)
        fake.oauth.grant("alice", VISIBLE, ALSO_VISIBLE)
        fake.oauth.sign_in_as("alice")
        yield fake


def dashboard_settings(
    tmp_path: Path, redis_url: str, github: FakeGitHub, **overrides: object
) -> Settings:
    database = f"sqlite:///{tmp_path / 'autofix.db'}"
    values: dict[str, object] = {
        "webhook_secret": "webhook-secret-for-tests",
        "database_url": database,
        "redis_url": redis_url,
        "github_api_url": github.api_url,
        "github_client_id": CLIENT_ID,
        "github_client_secret": CLIENT_SECRET,
        "public_url": PUBLIC_URL,
        "session_secret": SESSION_SECRET,
        "dashboard_token": OPERATOR_TOKEN,
        "work_dir": tmp_path / "work",
    }
    return Settings(**(values | overrides))  # type: ignore[arg-type]


@pytest.fixture
def settings(tmp_path: Path, fresh_redis_url: str, github: FakeGitHub) -> Settings:
    made = dashboard_settings(tmp_path, fresh_redis_url, github)
    assert made.database_url is not None
    migrate(made.database_url)
    return made


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    assert settings.database_url is not None
    opened = Store.open(settings.database_url)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@dataclass
class Browserless:
    """A cookie-keeping client of the dashboard, and the way through GitHub's sign-in."""

    client: httpx.AsyncClient
    github: FakeGitHub

    async def authorize(self, url: str) -> httpx.Response:
        """GitHub's authorize page (on the fake, over real HTTP): approves and redirects back."""
        async with httpx.AsyncClient(timeout=10) as github:
            answer = await github.get(url)
        assert answer.status_code == 302, answer.text
        return answer

    async def sign_in(self, next_path: str = "/") -> httpx.Response:
        """/login, GitHub's authorize page, then the callback: the answer of the callback."""
        start = await self.client.get("/login", params={"next": next_path})
        assert start.status_code == 302, start.text
        authorize = await self.authorize(start.headers["location"])
        back = urlsplit(authorize.headers["location"])
        return await self.client.get(f"{back.path}?{back.query}")


@contextlib.asynccontextmanager
async def serving(
    app: FastAPI, github: FakeGitHub, base_url: str = PUBLIC_URL
) -> AsyncIterator[Browserless]:
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url) as client,
    ):
        yield Browserless(client, github)


@pytest.fixture
async def web(settings: Settings, github: FakeGitHub, clock: Clock) -> AsyncIterator[Browserless]:
    async with serving(app_from_settings(settings, clock=clock), github) as browserless:
        yield browserless
