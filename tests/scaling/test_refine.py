"""Refinement rounds (PDR) conditioned on the K best summaries, and hints."""

from __future__ import annotations

from scaling.engine import Engine
from scaling.events import RoundStarted
from scaling.issue import Issue
from scaling.rollout import RolloutRequest
from tests.fakes.scaling import (
    FakeRolloutRunner,
    FakeSummarizer,
    FakeTestRunner,
    RecordingSink,
    ScoringJudge,
)
from tests.scaling.scenario import BROKEN, GOOD, config, fix, scenario

ISSUE = Issue(title="median() is wrong", body="median([3, 1, 2]) returns 3")
ROUND0 = [fix("BROKEN_A"), fix("PROMISING_1"), fix("BROKEN_B"), fix("PROMISING_2")]


def plan(request: RolloutRequest) -> str:
    if request.round == 0:
        return ROUND0[request.index]
    # Round 1 only finds the fix when shown the promising attempts.
    promising = all("PROMISING" in s.approach for s in request.prior_summaries)
    return GOOD if promising and len(request.prior_summaries) == 2 else fix("BROKEN_C")


def repo_tests() -> FakeTestRunner:
    runner = scenario()
    for patch in [*ROUND0, fix("BROKEN_C")]:
        runner.candidates[patch] = runner.candidates[BROKEN]
    return runner


def judge() -> ScoringJudge:
    return ScoringJudge(
        lambda s: 2.0 if "GOOD" in s.approach else 1.0 * ("PROMISING" in s.approach)
    )


async def test_next_round_is_conditioned_on_the_top_k_summaries() -> None:
    sink = RecordingSink()
    runner = FakeRolloutRunner(plan=plan)
    engine = Engine(
        config(rollouts=4, rounds=2, refine_with=2),
        runner,
        FakeSummarizer(),
        judge(),
        repo_tests(),
        sink,
    )
    result = await engine.run(ISSUE)
    assert result.status == "resolved"
    assert result.rounds == 2
    assert result.winner is not None and result.winner.round == 1
    round1 = [r for r in runner.requests if r.round == 1]
    assert len(round1) == 4
    assert {s.rollout_id for s in round1[0].prior_summaries} == {"r0-1", "r0-3"}
    starts = [e for e in sink.events if isinstance(e, RoundStarted)]
    assert [e.round for e in starts] == [0, 1]
    assert sorted(starts[1].conditioned_on) == ["r0-1", "r0-3"]
    refine = [m for m in result.matches if m.purpose == "refine"]
    assert refine and all(m.round == 0 for m in refine)


async def test_without_rounds_left_there_is_no_refinement() -> None:
    runner = FakeRolloutRunner(plan=plan)
    engine = Engine(
        config(rollouts=4, rounds=1),
        runner,
        FakeSummarizer(),
        judge(),
        repo_tests(),
        RecordingSink(),
    )
    result = await engine.run(ISSUE)
    assert result.status == "unresolved"
    assert result.rounds == 1
    assert not [m for m in result.matches if m.purpose == "refine"]


async def test_each_rollout_gets_a_distinct_hint_when_enabled() -> None:
    runner = FakeRolloutRunner(plan=plan)
    hints = ("fix the sort", "handle even lengths", "rewrite median", "add a helper")
    cfg = config(rollouts=4, rounds=2, approach_hints=True, hints=hints)
    await Engine(cfg, runner, FakeSummarizer(), judge(), repo_tests(), RecordingSink()).run(ISSUE)
    round0 = [r.approach_hint for r in runner.requests if r.round == 0]
    assert sorted(h for h in round0 if h) == sorted(hints)
