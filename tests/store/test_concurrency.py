"""Racing writers: one active run per issue, one run per delivery."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from app.store import Store
from app.store.tables import RunRow
from tests.store.samples import REPO, new_run

RACERS = 8


async def test_racing_triggers_create_one_active_run(store: Store) -> None:
    attempts = [store.create_run(new_run(delivery=f"d-{i}")) for i in range(RACERS)]
    outcomes = await asyncio.gather(*attempts)
    assert Counter(o.outcome for o in outcomes) == {"created": 1, "busy": RACERS - 1}
    winner = next(o.run for o in outcomes if o.outcome == "created")
    assert {o.run.id for o in outcomes} == {winner.id}
    assert [run.id for run in await store.list_runs(repo=REPO)] == [winner.id]


async def test_racing_supersedes_leave_one_active_run(store: Store) -> None:
    attempts = [
        store.create_run(new_run(delivery=f"d-{i}", trigger="retry"), supersede=True)
        for i in range(RACERS)
    ]
    outcomes = await asyncio.gather(*attempts)
    assert all(o.outcome == "created" for o in outcomes)
    statuses = Counter(run.status for run in await store.list_runs(repo=REPO))
    assert statuses == {"queued": 1, "superseded": RACERS - 1}


async def test_racing_redeliveries_create_one_run(store: Store) -> None:
    outcomes = await asyncio.gather(*(store.create_run(new_run()) for _ in range(RACERS)))
    assert Counter(o.outcome for o in outcomes) == {"created": 1, "duplicate": RACERS - 1}
    assert len({o.run.id for o in outcomes}) == 1


async def test_database_itself_refuses_a_second_active_run(store: Store) -> None:
    await store.create_run(new_run(delivery="a"))
    row = new_run(delivery="b").model_dump() | {
        "status": "running",
        "cost_usd": 0.0,
        "input_tokens": 0,
        "output_tokens": 0,
        "created_at": datetime.now(UTC),
        "updated_at": datetime.now(UTC),
    }
    with pytest.raises(IntegrityError), store.engine.begin() as connection:
        connection.execute(insert(RunRow).values(**row))
    finished = row | {"delivery_id": "c", "status": "resolved"}
    with store.engine.begin() as connection:
        connection.execute(insert(RunRow).values(**finished))
