"""The wall-clock budget is checked before the selected winner's holdout run."""

from __future__ import annotations

from scaling.config import Budget, Estimate, Estimates
from scaling.engine import Engine
from scaling.issue import Issue
from scaling.result import RunResult
from tests.fakes.scaling import (
    FakeClock,
    FakeRolloutRunner,
    FakeSummarizer,
    RecordingSink,
    marker_judge,
)
from tests.scaling.scenario import GOOD, config, scenario

ESTIMATES = Estimates(
    rollout=Estimate(wall_s=100), summary=Estimate(), vote=Estimate(), tests=Estimate(wall_s=60)
)


async def run(seconds_per_rollout: float) -> tuple[RunResult, list[tuple[str, str]]]:
    clock = FakeClock()
    runner = FakeRolloutRunner.from_patches(
        [GOOD], clock=clock, seconds_per_rollout=seconds_per_rollout
    )
    tests = scenario()
    cfg = config(rollouts=1, budget=Budget(usd=None, wall_s=1000), estimates=ESTIMATES)
    judge = marker_judge("GOOD")
    engine = Engine(cfg, runner, FakeSummarizer(), judge, tests, RecordingSink(), clock=clock)
    return await engine.run(Issue(title="t", body="b")), tests.calls


async def test_a_holdout_the_clock_cannot_cover_is_skipped_and_nothing_wins() -> None:
    result, calls = await run(seconds_per_rollout=960)
    assert result.status == "unresolved"
    assert [s.what for s in result.skipped] == ["holdout of r0-0"]
    assert "holdout" not in [kind for kind, _ in calls]


async def test_a_holdout_that_fits_still_runs() -> None:
    result, calls = await run(seconds_per_rollout=900)
    assert result.status == "resolved"
    assert "holdout" in [kind for kind, _ in calls]
