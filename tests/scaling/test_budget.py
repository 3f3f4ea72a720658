"""Budgets fail closed: nothing starts that the remaining budget cannot cover."""

from __future__ import annotations

from scaling.config import Budget, Estimate, Estimates
from scaling.engine import Engine
from scaling.events import BudgetSkipped
from scaling.issue import Issue
from scaling.rollout import Usage
from tests.fakes.scaling import (
    FakeClock,
    FakeRolloutRunner,
    FakeSummarizer,
    RecordingSink,
    ScoringJudge,
    marker_judge,
)
from tests.scaling.scenario import BROKEN, GOOD, config, fix, scenario

ISSUE = Issue(title="t", body="b")
ESTIMATES = Estimates(
    rollout=Estimate(usd=1.0, tokens=10_000, wall_s=100),
    summary=Estimate(usd=0.1, tokens=1_000, wall_s=10),
    vote=Estimate(usd=0.05, tokens=500, wall_s=10),
    tests=Estimate(wall_s=10),
)


async def test_usd_budget_starts_only_the_rollouts_it_can_cover() -> None:
    sink = RecordingSink()
    runner = FakeRolloutRunner.from_patches([GOOD] * 4)
    cfg = config(rollouts=4, budget=Budget(usd=2.5, wall_s=None), estimates=ESTIMATES)
    result = await Engine(
        cfg, runner, FakeSummarizer(), marker_judge("GOOD"), scenario(), sink
    ).run(ISSUE)
    # Each rollout holds $1.10 until it settles, so only two of four fit in $2.50.
    assert [r.rollout_id for r in runner.requests] == ["r0-0", "r0-1"]
    assert [s.what for s in result.skipped] == ["rollout r0-2", "rollout r0-3"]
    skipped = [e for e in sink.events if isinstance(e, BudgetSkipped)]
    assert [e.what for e in skipped] == ["rollout r0-2", "rollout r0-3"]
    assert result.status == "resolved"


async def test_token_budget_refuses_the_whole_round() -> None:
    runner = FakeRolloutRunner.from_patches([GOOD])
    cfg = config(
        rollouts=1, budget=Budget(usd=None, tokens=5_000, wall_s=None), estimates=ESTIMATES
    )
    result = await Engine(
        cfg, runner, FakeSummarizer(), marker_judge("GOOD"), scenario(), RecordingSink()
    ).run(ISSUE)
    assert runner.requests == []
    assert result.status == "unresolved" and result.rounds == 0
    assert [s.what for s in result.skipped] == ["rollout r0-0", "round 0"]


async def test_wall_clock_budget_stops_the_next_round() -> None:
    clock = FakeClock()
    runner = FakeRolloutRunner.from_patches([BROKEN, BROKEN], clock=clock, seconds_per_rollout=450)
    cfg = config(rollouts=2, rounds=3, budget=Budget(usd=None, wall_s=1000), estimates=ESTIMATES)
    engine = Engine(
        cfg,
        runner,
        FakeSummarizer(),
        marker_judge("GOOD"),
        scenario(),
        RecordingSink(),
        clock=clock,
    )
    result = await engine.run(ISSUE)
    assert {r.round for r in runner.requests} == {0}
    assert result.rounds == 1
    assert any(s.what == "round 1" and "needs ~120s, 100s" in s.why for s in result.skipped)
    assert result.wall_s == 900


async def test_vote_budget_cuts_matches_short_and_records_it() -> None:
    other = fix("OTHER")
    # Rollouts and summaries cost exactly their estimates, leaving $0.12: two $0.05 votes.
    runner = FakeRolloutRunner.from_patches([GOOD, other], usage=Usage(cost_usd=1.0))
    tests = scenario()
    tests.candidates[other] = tests.candidates[GOOD]
    judge = ScoringJudge(lambda s: "GOOD" in s.approach, usage=Usage(cost_usd=0.05))
    cfg = config(rollouts=2, budget=Budget(usd=2.32, wall_s=None), estimates=ESTIMATES)
    summarizer = FakeSummarizer(usage=Usage(cost_usd=0.1))
    result = await Engine(cfg, runner, summarizer, judge, tests, RecordingSink()).run(ISSUE)
    assert result.judge_calls == judge.calls == 2
    (match,) = result.matches
    assert match.winner == "r0-0" and not match.early_stopped
    (skip,) = result.skipped
    assert skip.what.startswith("votes 3-8 of match") and "$0.02" in skip.why
    assert result.status == "resolved"
