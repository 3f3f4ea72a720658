"""A run's life: queued, running, finished; with its status comment and PR on the way."""

from __future__ import annotations

import pytest

from app.github.models import PullRequestLink
from app.store import InvalidTransition, RunNotFound, Store
from tests.store.samples import REPO, new_run


async def test_run_goes_from_queued_to_resolved(store: Store) -> None:
    created = await store.create_run(new_run(config={"rollouts": 4}))
    assert created.outcome == "created"
    run = created.run
    assert (run.status, run.started_at, run.finished_at) == ("queued", None, None)
    assert run.config == {"rollouts": 4}
    assert run.created_at.tzinfo is not None

    running = await store.transition(run.id, "running")
    assert running.status == "running"
    assert running.started_at is not None
    assert (await store.get_active_run(REPO, 7)) == running

    done = await store.transition(run.id, "resolved", winner="r0-2")
    assert (done.status, done.winner_rollout_id) == ("resolved", "r0-2")
    assert done.finished_at is not None and done.started_at is not None
    assert done.finished_at >= done.started_at
    assert await store.get_active_run(REPO, 7) is None
    assert await store.latest_run(REPO, 7, status="resolved") == done


async def test_finished_run_refuses_to_restart(store: Store) -> None:
    run = (await store.create_run(new_run())).run
    await store.transition(run.id, "running")
    await store.transition(run.id, "failed", error="sandbox image missing")
    with pytest.raises(InvalidTransition) as refused:
        await store.transition(run.id, "running")
    assert "is failed and cannot become running" in str(refused.value)
    assert "Start a new run" in str(refused.value)
    after = await store.get_run(run.id)
    assert (after.status, after.error) == ("failed", "sandbox image missing")


async def test_queued_run_cannot_skip_to_resolved(store: Store) -> None:
    run = (await store.create_run(new_run())).run
    with pytest.raises(InvalidTransition, match="only become: cancelled, failed, running"):
        await store.transition(run.id, "resolved")


async def test_unknown_run_is_reported(store: Store) -> None:
    with pytest.raises(RunNotFound, match="run 999 does not exist"):
        await store.transition(999, "running")


async def test_same_delivery_creates_one_run(store: Store) -> None:
    first = await store.create_run(new_run(delivery="abc"))
    await store.transition(first.run.id, "running")
    again = await store.create_run(new_run(delivery="abc"))
    assert again.outcome == "duplicate"
    assert again.run.id == first.run.id
    assert again.run.status == "running"
    assert [run.id for run in await store.list_runs()] == [first.run.id]


async def test_second_trigger_on_a_busy_issue_is_refused(store: Store) -> None:
    first = await store.create_run(new_run(delivery="a"))
    second = await store.create_run(new_run(delivery="b", trigger="comment"))
    assert second.outcome == "busy"
    assert second.run.id == first.run.id
    other_issue = await store.create_run(new_run(issue=8, delivery="b"))
    assert other_issue.outcome == "created"


async def test_retry_supersedes_the_active_run(store: Store) -> None:
    old = (await store.create_run(new_run(delivery="a"))).run
    await store.transition(old.id, "running")
    retry = await store.create_run(
        new_run(delivery="b", trigger="retry", parent_run_id=old.id), supersede=True
    )
    assert retry.outcome == "created"
    assert retry.superseded is not None and retry.superseded.id == old.id
    assert (await store.get_run(old.id)).status == "superseded"
    active = await store.get_active_run(REPO, 7)
    assert active is not None and active.id == retry.run.id
    assert active.parent_run_id == old.id


async def test_new_run_allowed_once_the_previous_one_finished(store: Store) -> None:
    old = (await store.create_run(new_run(delivery="a"))).run
    await store.transition(old.id, "cancelled")
    again = await store.create_run(new_run(delivery="b"))
    assert again.outcome == "created"
    assert (await store.latest_run(REPO, 7)) == again.run
    assert [r.id for r in await store.list_runs(status="cancelled")] == [old.id]
    assert [r.id for r in await store.list_runs(repo=REPO)] == [again.run.id, old.id]
    assert await store.list_runs(repo="octo/other") == []


async def test_status_comment_and_pull_request_are_remembered(store: Store) -> None:
    run = (await store.create_run(new_run())).run
    await store.set_status_comment(run.id, 9_000_000_001)
    link = PullRequestLink(
        number=31,
        url=f"https://github.com/{REPO}/pull/31",
        branch="autofix/issue-7",
        head_sha="a" * 40,
        rollout_id="r0-1",
    )
    await store.set_pull_request(run.id, link)
    stored = await store.get_run(run.id)
    assert stored.status_comment_id == 9_000_000_001
    assert (stored.pr_number, stored.branch, stored.head_sha) == (31, "autofix/issue-7", "a" * 40)
    assert await store.run_for_pull_request(REPO, 31) == stored
    assert await store.run_for_pull_request(REPO, 32) is None
