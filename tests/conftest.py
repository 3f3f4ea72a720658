"""Session-wide services: a real redis-server and a real PostgreSQL, started only when asked for.

Tests that use `redis_url`/`redis_server` are marked `redis`, those that use PostgreSQL are
marked `postgres`, so `-m "not postgres"` deselects them. A missing binary fails the test with
the command that installs it; it never skips silently.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.polyglot import POLYGLOT_IMAGE, ensure_polyglot_image
from tests.services import (
    PostgresServer,
    RedisServer,
    ServiceUnavailable,
    postgres_server,
    redis_server,
)

_MARKS = {
    "redis": {"redis_server", "redis_url", "fresh_redis_url"},
    "postgres": {"postgres_server", "postgres_url"},
    "polyglot": {"polyglot_image"},
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        for mark, fixtures in _MARKS.items():
            if used & fixtures:
                item.add_marker(mark)


@pytest.fixture(scope="session", name="redis_server")
def redis_server_fixture() -> Iterator[RedisServer]:
    """One redis-server for the whole session."""
    try:
        with redis_server() as server:
            yield server
    except ServiceUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def redis_url(redis_server: RedisServer) -> str:
    """URL of the session's redis-server (database 0, shared: use unique keys or flush)."""
    return redis_server.url


@pytest.fixture
def fresh_redis_url(redis_url: str) -> str:
    """The session's redis-server, emptied before the test."""
    client = redis.Redis.from_url(redis_url)
    try:
        client.flushall()
    finally:
        client.close()
    return redis_url


@pytest.fixture(scope="session", name="postgres_server")
def postgres_server_fixture() -> Iterator[PostgresServer]:
    """One PostgreSQL cluster for the whole session."""
    try:
        with postgres_server() as server:
            yield server
    except ServiceUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    """SQLAlchemy URL (psycopg 3 driver) of a database shared by the whole session."""
    return postgres_server.create_database("autofix_session")


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database for one test: a SQLite file, then a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'autofix.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = f"autofix_{uuid.uuid4().hex[:12]}"
    url = server.create_database(name)
    try:
        yield url
    finally:
        server.drop_database(name)


@pytest.fixture(scope="session")
def polyglot_image() -> str:
    """The sandbox image with node, go, rust and java; built here when missing (a few
    minutes, once), and the test skipped, saying why, only when it cannot be built."""
    problem = ensure_polyglot_image()
    if problem is not None:
        pytest.skip(problem)
    return POLYGLOT_IMAGE
