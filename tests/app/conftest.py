"""Fixtures of the App end-to-end tests: a fake GitHub hosting octo/calc and an App under test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.app.harness import AppUnderTest, private_key_pem
from tests.fakes.github_server import FakeGitHub

FILES = {
    "calc.py": "def add(a, b):\n    return a - b\n",
    "test_calc.py": "def test_x():\n    pass\n",
}


@pytest.fixture(scope="session")
def key_pem() -> str:
    return private_key_pem()


@pytest.fixture
def github(tmp_path: Path) -> Iterator[FakeGitHub]:
    with FakeGitHub(tmp_path / "github") as fake:
        fake.add_repo("octo", "calc", files=dict(FILES))
        fake.set_permission("alice", "write")
        fake.set_permission("mallory", "read")
        yield fake


@pytest.fixture
async def app(
    github: FakeGitHub, fresh_redis_url: str, tmp_path: Path, key_pem: str
) -> AsyncIterator[AppUnderTest]:
    under_test = AppUnderTest(github, fresh_redis_url, tmp_path, key_pem)
    yield under_test
    await under_test.aclose()
