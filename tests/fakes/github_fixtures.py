"""pytest fixtures for the fake GitHub; import them into a conftest.py to use them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from app.github import GitHubClients, GitHubSettings
from tests.fakes.github_server import FakeGitHub


class FakeClock:
    """A monotonic clock that only moves when something sleeps on it."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def app_key_pair() -> tuple[str, str]:
    """A throwaway RSA key for App JWTs: (private PEM, public PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def fake_settings(fake: FakeGitHub, private_key: str, **overrides: object) -> GitHubSettings:
    """Settings pointing at `fake`, with pacing and retry back-off at zero unless overridden."""
    values: dict[str, object] = {
        "app_id": fake.app_id,
        "private_key": private_key,
        "api_url": fake.api_url,
        "timeout_s": 20.0,
        "write_interval_s": 0.0,
        "retry_base_s": 0.0,
        **overrides,
    }
    return GitHubSettings.model_validate(values)


@pytest.fixture(scope="session")
def app_keys() -> tuple[str, str]:
    return app_key_pair()


@pytest.fixture
def fake_github(tmp_path: Path, app_keys: tuple[str, str]) -> Iterator[FakeGitHub]:
    """A running fake GitHub (github.com layout) that verifies App JWTs with the test key."""
    with FakeGitHub(tmp_path / "fake-github", app_public_key=app_keys[1]) as fake:
        yield fake


@pytest.fixture
def github_settings(fake_github: FakeGitHub, app_keys: tuple[str, str]) -> GitHubSettings:
    return fake_settings(fake_github, app_keys[0])


@pytest.fixture
async def github_clients(github_settings: GitHubSettings) -> AsyncIterator[GitHubClients]:
    async with GitHubClients(github_settings) as clients:
        yield clients
