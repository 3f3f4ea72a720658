"""Migrations build the schema the models describe, from empty, any number of times."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from app.store import Store, create_sql_engine, current_revision, head_revision, migrate
from app.store.tables import Base
from tests.store.samples import new_run


def test_migrate_builds_the_schema_from_empty(database_url: str) -> None:
    engine = create_sql_engine(database_url)
    try:
        assert current_revision(engine) is None
        assert migrate(database_url) == head_revision()
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) | {"alembic_version"} == tables
        with engine.connect() as connection:
            drift = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert drift == [], f"migrations and app/store/tables.py disagree: {drift}"
    finally:
        engine.dispose()


async def test_migrate_again_keeps_data(database_url: str) -> None:
    migrate(database_url)
    store = Store.open(database_url)
    try:
        created = await store.create_run(new_run())
        assert migrate(database_url) == head_revision()
        assert (await store.get_run(created.run.id)).delivery_id == "d-1"
    finally:
        store.close()


def test_concurrent_migrations_all_succeed(database_url: str) -> None:
    with ThreadPoolExecutor(max_workers=6) as pool:
        revisions = list(pool.map(migrate, [database_url] * 6))
    assert revisions == [head_revision()] * 6
