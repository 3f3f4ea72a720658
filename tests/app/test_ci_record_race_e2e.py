"""A look under way never writes back over a newer CI record: when a run publishes a new head
while a look at the old one reads GitHub, the new head stays followed."""

from __future__ import annotations

import asyncio

import redis

from app.ci.follow import CiFollow
from app.ci.keys import follow_key
from tests.app.harness import AppUnderTest

NEW_HEAD = "f" * 40


async def test_a_look_at_the_old_head_does_not_undo_a_newer_record(app: AppUnderTest) -> None:
    app.github.ci.run_on_push("tests", "true", branch_prefix="autofix/")
    number = app.github.add_issue("octo", "calc", "add() subtracts", "2 + 2 gives 0")
    await app.deliver("issues", app.payloads.labeled(number))
    await app.work_off()
    [pr] = app.pulls()
    old_head = pr["head"]["sha"]
    key = follow_key("octo/calc", pr["number"])
    store = redis.Redis.from_url(app.redis_url)
    events: list[tuple[str, dict[str, object]]] = []
    app.github.ci.webhook = lambda event, payload: events.append((event, payload))
    hosted = app.github.state.repo("octo", "calc")
    assert hosted is not None

    def a_run_publishes_meanwhile(method: str, path: str) -> None:
        # While the look reads the old head's checks, a refinement publishes its own head and
        # hands it to CI looks (what the end of a run does).
        if method == "GET" and path.endswith(f"/commits/{old_head}/check-runs") and events:
            events.clear()
            current = _record(store, key)
            newer = current.model_copy(
                update={"run_id": current.run_id + 1, "head_sha": NEW_HEAD, "settled": False}
            )
            store.set(key, newer.model_dump_json())

    app.github.observers.append(a_run_publishes_meanwhile)
    await asyncio.sleep(0.1)  # past the gap between looks woken by events
    app.github.ci.add_status(hosted, old_head, "other", "success")
    for event, payload in list(events):
        await app.deliver(event, payload)
    await app.work_off()

    assert not events  # the look did read the old head's checks while the run published
    assert _record(store, key).head_sha == NEW_HEAD
    store.close()


def _record(store: redis.Redis, key: str) -> CiFollow:
    raw = store.get(key)
    assert isinstance(raw, bytes)
    return CiFollow.model_validate_json(raw)
