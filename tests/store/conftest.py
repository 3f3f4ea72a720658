"""A migrated, empty store per test, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.store import Store, migrate


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    migrate(database_url)
    opened = Store.open(database_url)
    try:
        yield opened
    finally:
        opened.close()
