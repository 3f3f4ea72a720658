"""Migrations build the schema the models describe, from empty, any number of times."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from app.store import Store, create_sql_engine, current_revision, head_revision, migrate
from app.store.migrate import alembic_config
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


def _upgrade_to(engine: Engine, revision: str) -> None:
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def test_upgrading_a_used_database_drops_the_unread_tables_and_keeps_runs(
    database_url: str,
) -> None:
    """A database written by r0001 (every table filled) keeps its runs and patches."""
    engine = create_sql_engine(database_url)
    try:
        _upgrade_to(engine, "r0001")
        dead = {"summaries", "gates", "votes", "matches", "costs", "webhook_deliveries"}
        assert dead <= set(inspect(engine).get_table_names())
        with engine.begin() as connection:
            for statement in R0001_ROWS:
                connection.execute(text(statement), {"at": "2026-11-30 12:00:00"})

        assert migrate(database_url) == head_revision()

        assert not dead & set(inspect(engine).get_table_names())
        columns = {c["name"] for c in inspect(engine).get_columns("rollouts")}
        assert columns == {"id", "run_id", "rollout_id", "patch", "patch_sha256", "created_at"}
        with engine.connect() as connection:
            drift = compare_metadata(MigrationContext.configure(connection), Base.metadata)
            run = connection.execute(text("SELECT repo, result FROM runs")).one()
            patches = connection.execute(text("SELECT rollout_id, patch FROM rollouts")).all()
        assert drift == []
        assert run.repo == "octo/widgets" and "winner" in str(run.result)
        assert [tuple(p) for p in patches] == [("r0-0", "+fix\n")]
    finally:
        engine.dispose()


def test_a_downgrade_says_how_to_go_back(database_url: str) -> None:
    migrate(database_url)
    engine = create_sql_engine(database_url)
    try:
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), "r0002")
        with engine.begin() as connection, pytest.raises(NotImplementedError, match="backup"):
            command.downgrade(alembic_config(connection), "r0001")
        assert current_revision(engine) == "r0002"
    finally:
        engine.dispose()


R0001_ROWS = (
    "INSERT INTO runs (id, repo, installation_id, issue_number, trigger, status, delivery_id,"
    " result, cost_usd, input_tokens, output_tokens, created_at, updated_at) VALUES (1,"
    " 'octo/widgets', 42, 7, 'label', 'resolved', 'd-1', '{\"winner\": {\"rollout_id\":"
    ' "r0-0", "round": 0}}\', 1.5, 10, 2, :at, :at)',
    'INSERT INTO rollouts (id, run_id, rollout_id, round, "index", exit_status, steps,'
    " cost_usd, input_tokens, output_tokens, wall_s, patch, patch_sha256, created_at) VALUES"
    " (1, 1, 'r0-0', 0, 0, 'submitted', 3, 0.5, 10, 2, 1.0, '+fix\n', 'abc', :at)",
    "INSERT INTO summaries (id, rollout_pk, data, markdown, fallback, created_at) VALUES"
    " (1, 1, '{}', '# r0-0', false, :at)",
    "INSERT INTO gates (id, rollout_pk, passed, reasons, tamper, created_at) VALUES"
    " (1, 1, true, '[]', '[]', :at)",
    "INSERT INTO matches (id, run_id, round, purpose, stage, match, candidates, winner, tally,"
    " invalid_votes, early_stopped, created_at) VALUES (1, 1, 0, 'select', 0, 0, '[]', 'r0-0',"
    " '{}', 0, false, :at)",
    'INSERT INTO votes (id, run_id, round, purpose, stage, match, "index", candidates, valid,'
    " reason, input_tokens, output_tokens, cost_usd, created_at) VALUES (1, 1, 0, 'select', 0,"
    " 0, 0, '[]', true, '', 1, 1, 0.01, :at)",
    "INSERT INTO costs (id, run_id, kind, input_tokens, output_tokens, cost_usd, calls) VALUES"
    " (1, 1, 'llm', 10, 2, 1.5, 3)",
    "INSERT INTO webhook_deliveries (id, delivery_id, event, received_at) VALUES"
    " (1, 'd-1', 'issues', :at)",
)
