"""Rollouts, summaries, gates and the tournament go in and come back out unchanged."""

from __future__ import annotations

import hashlib

import pytest

from app.store import GateRecord, MatchRecord, RolloutNotFound, RunNotFound, Store, VoteRecord
from scaling.rollout import Usage
from tests.store.samples import new_run, rollout, summary


async def _running_run(store: Store) -> int:
    run = (await store.create_run(new_run())).run
    await store.transition(run.id, "running")
    return run.id


async def test_candidates_combine_rollout_summary_and_gate(store: Store) -> None:
    run_id = await _running_run(store)
    for rid, rnd, idx in [("r1-0", 1, 0), ("r0-1", 0, 1), ("r0-0", 0, 0)]:
        await store.record_rollout(run_id, rollout(rid, rnd, idx))
    await store.record_summary(run_id, "r0-0", summary("r0-0"), "## Approach\nAverage.")
    await store.record_summary(run_id, "r0-1", summary("r0-1", fallback=True), "(fallback)")
    await store.record_gate(
        run_id, GateRecord(rollout_id="r0-0", passed=True, reasons=("all green",), reproduced=True)
    )
    await store.record_gate(
        run_id,
        GateRecord(rollout_id="r0-1", passed=False, tamper=("deleted tests/test_stats.py",)),
    )
    await store.record_holdout(run_id, "r0-0", passed=True)

    listed = await store.list_candidates(run_id)
    assert [(c.position, c.rollout_id) for c in listed] == [(1, "r0-0"), (2, "r0-1"), (3, "r1-0")]
    first, second, third = listed
    assert first.summary == summary("r0-0")
    assert first.summary_markdown == "## Approach\nAverage."
    assert first.gate == GateRecord(
        rollout_id="r0-0", passed=True, reasons=("all green",), reproduced=True, holdout=True
    )
    expected_patch = rollout("r0-0").patch
    assert first.patch_sha256 == hashlib.sha256(expected_patch.encode()).hexdigest()
    assert (first.steps, first.cost_usd, first.has_patch) == (12, 0.25, True)
    assert second.summary is not None and second.summary.fallback
    assert second.gate is not None and second.gate.tamper == ("deleted tests/test_stats.py",)
    assert (third.summary, third.gate) == (None, None)
    assert await store.get_patch(run_id, "r0-0") == expected_patch


async def test_recording_again_overwrites_instead_of_duplicating(store: Store) -> None:
    run_id = await _running_run(store)
    await store.record_rollout(run_id, rollout("r0-0", patch="old\n"))
    await store.record_gate(run_id, GateRecord(rollout_id="r0-0", passed=False))
    await store.record_holdout(run_id, "r0-0", passed=False)
    await store.record_rollout(run_id, rollout("r0-0", patch="new\n"))
    await store.record_gate(run_id, GateRecord(rollout_id="r0-0", passed=True))
    (only,) = await store.list_candidates(run_id)
    assert await store.get_patch(run_id, "r0-0") == "new\n"
    assert only.gate is not None
    assert (only.gate.passed, only.gate.holdout) == (True, False)


async def test_empty_patch_is_not_a_usable_candidate(store: Store) -> None:
    run_id = await _running_run(store)
    await store.record_rollout(run_id, rollout("r0-0", patch=" ").model_copy(update={"patch": ""}))
    (only,) = await store.list_candidates(run_id)
    assert not only.has_patch
    assert only.patch_sha256 == hashlib.sha256(b"").hexdigest()


async def test_results_for_unknown_rollouts_or_runs_are_refused(store: Store) -> None:
    run_id = await _running_run(store)
    with pytest.raises(RolloutNotFound, match="record the rollout before"):
        await store.record_summary(run_id, "ghost", summary("ghost"), "")
    with pytest.raises(RolloutNotFound):
        await store.record_gate(run_id, GateRecord(rollout_id="ghost", passed=True))
    await store.record_rollout(run_id, rollout("r0-0"))
    with pytest.raises(RolloutNotFound, match="no gate result yet"):
        await store.record_holdout(run_id, "r0-0", passed=True)
    with pytest.raises(RunNotFound):
        await store.record_rollout(run_id + 100, rollout("r0-0"))


async def test_tournament_matches_and_votes_read_back_in_order(store: Store) -> None:
    run_id = await _running_run(store)
    pair = ("r0-1", "r0-0")
    votes = [
        VoteRecord(
            round=0,
            stage=0,
            match=0,
            index=i,
            candidates=pair if i % 2 == 0 else pair[::-1],
            choice=None if i == 2 else "r0-0",
            valid=i != 2,
            reason=f"vote {i}",
            usage=Usage(input_tokens=300, output_tokens=40, cost_usd=0.01, calls=1),
        )
        for i in (3, 1, 0, 2)
    ]
    for vote in votes:
        await store.record_vote(run_id, vote)
    match = MatchRecord(
        round=0,
        stage=0,
        match=0,
        candidates=pair,
        winner="r0-0",
        tally={"r0-0": 3},
        invalid_votes=1,
        tie_broken_by=None,
        early_stopped=True,
    )
    await store.record_match(run_id, match)

    read = await store.list_votes(run_id)
    assert [v.index for v in read] == [0, 1, 2, 3]
    assert read == sorted(votes, key=lambda v: v.index)
    assert [v.choice for v in read] == ["r0-0", "r0-0", None, "r0-0"]
    assert await store.list_matches(run_id) == [match]
