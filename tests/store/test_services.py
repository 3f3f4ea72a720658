"""The throwaway services in tests/services.py answer, and say how to install what is missing."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
import redis

from tests.services import PostgresServer, ServiceUnavailable, postgres_server, redis_server


def test_redis_answers_ping(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url, socket_timeout=5)
    try:
        assert client.ping()
        assert client.config_get("save") == {"save": ""}
    finally:
        client.close()


def test_postgres_accepts_connections(postgres_server: PostgresServer) -> None:
    url = postgres_server.create_database("services_check")
    try:
        assert url.startswith("postgresql+psycopg://postgres@127.0.0.1:")
        with psycopg.connect(postgres_server.dsn("services_check"), connect_timeout=5) as conn:
            row = conn.execute("SELECT current_database(), inet_server_addr()").fetchone()
        assert row is not None
        assert (row[0], str(row[1])) == ("services_check", "127.0.0.1")
    finally:
        postgres_server.drop_database("services_check")


def test_missing_binaries_name_the_install_command(tmp_path: Path) -> None:
    with pytest.raises(ServiceUnavailable, match="apt-get install -y redis-server postgresql"):
        redis_server(binary=str(tmp_path / "redis-server")).__enter__()
    with pytest.raises(ServiceUnavailable, match="apt-get install -y redis-server postgresql"):
        postgres_server(bindir=tmp_path).__enter__()
