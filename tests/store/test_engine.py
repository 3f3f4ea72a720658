"""Database URLs: PostgreSQL spellings use psycopg 3; anything unsupported is refused clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.store import Store, create_sql_engine, migrate, normalize_url, sqlite_url


@pytest.mark.parametrize("scheme", ["postgres", "postgresql", "postgresql+psycopg"])
def test_postgres_urls_use_psycopg3(scheme: str) -> None:
    url = normalize_url(f"{scheme}://autofix:secret@db.internal:5432/autofix")
    assert url.drivername == "postgresql+psycopg"
    assert (url.host, url.database, url.password) == ("db.internal", "autofix", "secret")


def test_unsupported_databases_are_refused() -> None:
    with pytest.raises(ValueError, match="supports sqlite:///PATH and postgresql://"):
        normalize_url("mysql://root@localhost/autofix")
    with pytest.raises(ValueError, match="needs a SQLite file"):
        create_sql_engine("sqlite://")


async def test_sqlite_file_and_its_directory_are_created(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "state" / "autofix.db")
    migrate(url)
    store = Store.open(url)
    try:
        assert await store.list_runs() == []
    finally:
        store.close()
    assert (tmp_path / "state" / "autofix.db").is_file()
