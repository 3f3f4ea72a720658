"""A refinement of an earlier run: round 0 conditioned on seed summaries and feedback."""

from __future__ import annotations

from scaling.engine import Engine
from scaling.events import RoundStarted
from scaling.issue import Issue
from scaling.rollout import RolloutRequest
from scaling.summary import RolloutSummary
from tests.fakes.scaling import FakeRolloutRunner, FakeSummarizer, RecordingSink, ScoringJudge
from tests.scaling.scenario import GOOD, config, fix, scenario

ISSUE = Issue(title="median() is wrong", body="median([3, 1, 2]) returns 3")
SEED = RolloutSummary(rollout_id="r0-1", approach="PREVIOUS winner: sorted then indexed")


def plan(request: RolloutRequest) -> str:
    seeded = [s.approach for s in request.prior_summaries] == [SEED.approach]
    return GOOD if seeded and request.feedback == "handle even lengths" else fix("BROKEN")


async def test_round_zero_sees_the_seeds_and_every_rollout_the_feedback() -> None:
    sink = RecordingSink()
    runner = FakeRolloutRunner(plan=plan)
    tests = scenario()
    engine = Engine(
        config(rollouts=2, rounds=1),
        runner,
        FakeSummarizer(),
        ScoringJudge(lambda s: 1.0),
        tests,
        sink,
    )
    result = await engine.run(ISSUE, seeds=[SEED], feedback="handle even lengths")
    assert result.status == "resolved"
    assert all(r.round == 0 and r.prior_summaries == (SEED,) for r in runner.requests)
    assert {r.feedback for r in runner.requests} == {"handle even lengths"}
    started = [e for e in sink.events if isinstance(e, RoundStarted)]
    assert started[0].conditioned_on == ["r0-1"]


async def test_without_seeds_round_zero_is_unconditioned() -> None:
    runner = FakeRolloutRunner(plan=plan)
    engine = Engine(
        config(rollouts=1, rounds=1),
        runner,
        FakeSummarizer(),
        ScoringJudge(lambda s: 1.0),
        scenario(),
        RecordingSink(),
    )
    result = await engine.run(ISSUE)
    assert result.status == "unresolved"
    assert runner.requests[0].prior_summaries == () and runner.requests[0].feedback is None
