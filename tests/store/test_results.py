"""A finished run is stored as its RunResult plus a few columns; patches are kept per rollout."""

from __future__ import annotations

import pytest

from app.store import RunNotFound, Store
from scaling.diff import sha256
from scaling.result import (
    GateResult,
    HoldoutResult,
    MatchRecord,
    RolloutRecord,
    RunResult,
    VoteRecord,
    Winner,
)
from tests.store.samples import REPO, new_run, rollout, summary


async def _running_run(store: Store, issue: int = 7) -> int:
    run = (await store.create_run(new_run(issue, delivery=f"d-{issue}"))).run
    await store.transition(run.id, "running")
    return run.id


def finished_result() -> RunResult:
    """Three rollouts; r0-2 repeated r0-0's patch; r0-0 beat r0-1 and passed holdout."""
    patches = {rid: rollout(rid).patch for rid in ("r0-0", "r0-1")}
    records = [
        RolloutRecord(
            id=rid,
            round=0,
            index=i,
            exit_status="submitted",
            patch_sha256=sha256(patches[cand]),
            candidate=cand,
            steps=10 + i,
            cost_usd=0.5,
        )
        for i, (rid, cand) in enumerate([("r0-0", "r0-0"), ("r0-1", "r0-1"), ("r0-2", "r0-0")])
    ]
    votes = (
        VoteRecord(order=("r0-0", "r0-1"), choice="r0-0", valid=True, cost_usd=0.02),
        VoteRecord(order=("r0-1", "r0-0"), choice=None, valid=False, reason="unparseable"),
        VoteRecord(order=("r0-1", "r0-0"), choice="r0-0", valid=True, cost_usd=0.03),
    )
    return RunResult(
        status="resolved",
        winner=Winner(rollout_id="r0-0", round=0),
        rollouts=tuple(records),
        rounds=1,
        llm_calls=40,
        judge_calls=3,
        input_tokens=90_000,
        output_tokens=9_000,
        cost_usd=1.55,
        gates=(
            GateResult(rollout_id="r0-0", passed=True, reasons=("ok",), reproduced=True),
            GateResult(rollout_id="r0-1", passed=True),
        ),
        holdouts=(HoldoutResult(rollout_id="r0-0", passed=True),),
        matches=(
            MatchRecord(
                round=0,
                purpose="select",
                stage=0,
                candidates=("r0-0", "r0-1"),
                winner="r0-0",
                tally={"r0-0": 2, "r0-1": 0},
                votes=votes,
                invalid_votes=1,
            ),
        ),
        summaries=(summary("r0-0"), summary("r0-1"), summary("r0-2", fallback=True)),
        patch=patches["r0-0"],
        summary=summary("r0-0"),
    )


async def test_the_result_reads_back_whole_with_its_columns_filled(store: Store) -> None:
    run_id = await _running_run(store)
    assert await store.get_result(run_id) is None
    result = finished_result()
    await store.record_result(run_id, result)
    await store.record_result(run_id, result)  # a re-run job overwrites

    assert await store.get_result(run_id) == result
    stored = await store.get_run(run_id)
    assert (stored.winner_rollout_id, stored.input_tokens, stored.output_tokens) == (
        "r0-0",
        90_000,
        9_000,
    )
    assert stored.cost_usd == pytest.approx(1.55)


async def test_patches_recorded_live_and_the_winners_from_the_result(store: Store) -> None:
    run_id = await _running_run(store)
    await store.record_rollout(run_id, rollout("r0-1", index=1))  # recorded live; r0-0 not
    result = finished_result()
    await store.record_result(run_id, result)
    assert await store.get_patch(run_id, "r0-0") == result.patch
    assert await store.get_patch(run_id, "r0-1") == rollout("r0-1").patch
    assert await store.get_patch(run_id, "r0-2") is None  # never recorded: nothing to publish


async def test_recording_a_patch_again_overwrites_it(store: Store) -> None:
    run_id = await _running_run(store)
    await store.record_rollout(run_id, rollout("r0-0", patch="old\n"))
    await store.record_rollout(run_id, rollout("r0-0", patch="new\n"))
    assert await store.get_patch(run_id, "r0-0") == "new\n"
    # The live patch wins over the result's copy of the same rollout.
    await store.record_result(run_id, finished_result())
    assert await store.get_patch(run_id, "r0-0") == "new\n"


async def test_unknown_runs_are_refused(store: Store) -> None:
    with pytest.raises(RunNotFound, match="does not exist"):
        await store.record_rollout(404, rollout("r0-0"))
    with pytest.raises(RunNotFound):
        await store.get_patch(404, "r0-0")
    with pytest.raises(RunNotFound):
        await store.record_result(404, finished_result())
    with pytest.raises(RunNotFound):
        await store.get_result(404)


async def test_runs_list_newest_first_filtered_and_paged(store: Store) -> None:
    ids = [await _running_run(store, issue) for issue in range(1, 6)]
    for run_id in ids[:3]:
        await store.transition(run_id, "resolved")
    other = (await store.create_run(new_run(9, repo="octo/other"))).run

    first = await store.list_runs(limit=2)
    assert [r.id for r in first] == [other.id, ids[4]]
    rest = await store.list_runs(limit=10, before=first[-1].id)
    assert [r.id for r in rest] == ids[3::-1]
    assert [r.id for r in await store.list_runs(repo=REPO, status="resolved", limit=2)] == [
        ids[2],
        ids[1],
    ]
    resolved_page = await store.list_runs(status="resolved", before=ids[1])
    assert [r.id for r in resolved_page] == [ids[0]]
    assert [r.id for r in await store.list_runs(repos={"octo/other"})] == [other.id]
    assert await store.list_runs(repos=set()) == []
