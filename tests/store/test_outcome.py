"""A finished engine run (RunResult) lands in the store's tables and reads back whole."""

from __future__ import annotations

import pytest

from app.store import GateRecord, Store
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
from scaling.rollout import Usage
from tests.store.samples import new_run, rollout, summary


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


async def test_result_fills_candidates_tournament_and_costs(store: Store) -> None:
    run = (await store.create_run(new_run())).run
    await store.transition(run.id, "running")
    await store.record_rollout(run.id, rollout("r0-1", index=1))  # recorded live; others not
    result = finished_result()
    await store.record_result(run.id, result, render=lambda s: f"# {s.rollout_id}")
    await store.record_result(run.id, result, render=lambda s: f"# {s.rollout_id}")  # re-run job

    assert await store.get_result(run.id) == result
    stored = await store.get_run(run.id)
    assert (stored.winner_rollout_id, stored.input_tokens) == ("r0-0", 90_000)
    listed = await store.list_candidates(run.id)
    assert [(c.rollout_id, c.candidate_id) for c in listed] == [
        ("r0-0", "r0-0"),
        ("r0-1", "r0-1"),
        ("r0-2", "r0-0"),
    ]
    assert [c.summary_markdown for c in listed] == ["# r0-0", "# r0-1", "# r0-2"]
    assert listed[0].gate == GateRecord(
        rollout_id="r0-0", passed=True, reasons=("ok",), reproduced=True, holdout=True
    )
    assert listed[1].gate is not None and listed[1].gate.holdout is None
    assert await store.get_patch(run.id, "r0-0") == result.patch  # the winner's, from the result
    assert await store.get_patch(run.id, "r0-1") == rollout("r0-1").patch  # kept from live record
    assert not listed[2].has_patch

    (match,) = await store.list_matches(run.id)
    assert (match.winner, match.invalid_votes, match.tally) == ("r0-0", 1, {"r0-0": 2, "r0-1": 0})
    votes = await store.list_votes(run.id)
    assert [(v.index, v.choice, v.valid) for v in votes] == [
        (0, "r0-0", True),
        (1, None, False),
        (2, "r0-0", True),
    ]
    costs = await store.costs(run.id)
    assert costs["judge"].cost_usd == pytest.approx(0.05)
    assert costs["judge"].calls == 3
    assert costs["llm"].cost_usd == pytest.approx(1.50)
    assert costs["llm"] == Usage(
        input_tokens=90_000, output_tokens=9_000, cost_usd=costs["llm"].cost_usd, calls=37
    )


async def test_run_without_result_has_none(store: Store) -> None:
    run = (await store.create_run(new_run())).run
    assert await store.get_result(run.id) is None
