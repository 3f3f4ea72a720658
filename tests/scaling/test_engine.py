"""The engine end to end over fakes: selection, holdout fallback, tamper, errors, strategies."""

from __future__ import annotations

from collections.abc import Sequence

from scaling.engine import Engine
from scaling.issue import Issue
from scaling.protocols import Judge
from scaling.result import RunResult
from tests.fakes.scaling import (
    FakeRolloutRunner,
    FakeSummarizer,
    FakeTestRunner,
    RecordingSink,
    marker_judge,
)
from tests.scaling.scenario import (
    BAD,
    BROKEN,
    CHEAT,
    GOOD,
    GOOD_AGAIN,
    WITH_TEST,
    config,
    scenario,
)

ISSUE = Issue(title="median() is wrong", body="median([3, 1, 2]) returns 3", number=7)


async def solve(
    patches: Sequence[str],
    judge: Judge | None = None,
    tests: FakeTestRunner | None = None,
    sink: RecordingSink | None = None,
    **kwargs: object,
) -> RunResult:
    engine = Engine(
        config(rollouts=len(patches), **kwargs),
        FakeRolloutRunner.from_patches(patches),
        FakeSummarizer(),
        judge or marker_judge("GOOD"),
        tests or scenario(),
        sink or RecordingSink(),
    )
    return await engine.run(ISSUE)


async def test_rtv_resolves_and_writes_the_result_contract() -> None:
    sink = RecordingSink()
    result = await solve([BROKEN, BAD, GOOD, GOOD_AGAIN], sink=sink)
    assert result.status == "resolved"
    assert result.winner is not None and result.winner.rollout_id == "r0-2"
    assert result.patch == GOOD
    assert result.summary is not None and "GOOD" in result.summary.approach
    good = next(c for c in result.candidates if c.id == "r0-2")
    assert good.count == 2 and good.rollout_ids == ("r0-2", "r0-3")
    assert [r.gate for r in result.rollouts] == ["failed", "passed", "passed", "passed"]
    data = result.model_dump(mode="json")
    for key in ("status", "winner", "rollouts", "rounds", "llm_calls", "judge_calls",
                "input_tokens", "output_tokens", "cost_usd", "wall_s"):  # fmt: skip
        assert key in data
    assert data["winner"] == {"rollout_id": "r0-2", "round": 0}
    assert set(data["rollouts"][0]) >= {
        "id",
        "round",
        "exit_status",
        "gate",
        "holdout",
        "patch_sha256",
    }
    assert result.judge_calls > 0 and result.llm_calls == 4 * 4 + 4 + result.judge_calls
    kinds = sink.kinds()
    for kind in ("round_started", "rollout_started", "rollout_step", "rollout_finished",
                 "summary_ready", "baseline_done", "gate_decided", "match_decided",
                 "holdout_decided"):  # fmt: skip
        assert kind in kinds
    assert kinds[-1] == "run_finished"


async def test_flaky_tests_do_not_fail_a_gate() -> None:
    result = await solve([BAD])
    assert result.baseline is not None
    assert result.baseline.flaky == ("tests/test_stats.py::test_timing",)
    assert result.rollouts[0].gate == "passed"


async def test_winner_failing_holdout_yields_to_the_next_candidate() -> None:
    result = await solve([GOOD, BAD], judge=marker_judge("BAD"))
    assert result.tournament_order == (("r0-1", "r0-0"),)
    assert [(h.rollout_id, h.passed) for h in result.holdouts] == [("r0-1", False), ("r0-0", True)]
    assert result.winner is not None and result.winner.rollout_id == "r0-0"
    assert [r.holdout for r in result.rollouts] == ["passed", "failed"]


async def test_tampering_candidate_cannot_win_even_if_the_judge_loves_it() -> None:
    result = await solve([CHEAT, BAD, GOOD], judge=marker_judge("CHEAT"))
    assert result.rollouts[0].gate == "flagged"
    assert any("conftest.py added" in f for f in result.gates[0].tamper)
    assert result.winner is not None and result.winner.rollout_id == "r0-2"


async def test_reproducing_test_counts_in_the_candidates_favour() -> None:
    result = await solve([WITH_TEST])
    (gate,) = result.gates
    assert gate.passed and gate.reproduced is True
    assert gate.new_tests == ("tests/test_median.py::test_median_odd",)


async def test_nothing_passes_means_unresolved() -> None:
    result = await solve([BROKEN, BROKEN])
    assert result.status == "unresolved"
    assert result.winner is None and result.patch == ""
    assert result.candidates[0].count == 2


async def test_a_failing_rollout_is_recorded_not_fatal() -> None:
    def plan(request: object) -> str:
        if getattr(request, "index", 0) == 0:
            raise RuntimeError("sandbox died")
        return GOOD

    sink = RecordingSink()
    tests = scenario()
    runner = FakeRolloutRunner(plan=plan)
    engine = Engine(config(rollouts=2), runner, FakeSummarizer(), marker_judge("GOOD"), tests, sink)
    result = await engine.run(ISSUE)
    assert result.status == "resolved"
    assert result.rollouts[0].exit_status == "error"
    assert result.rollouts[0].error == "RuntimeError: sandbox died"
    assert result.rollouts[0].gate == "not_run"


async def test_every_rollout_failing_is_an_error() -> None:
    def plan(request: object) -> str:
        raise RuntimeError("no docker")

    engine = Engine(
        config(rollouts=2), FakeRolloutRunner(plan=plan), FakeSummarizer(),
        marker_judge("GOOD"), scenario(), RecordingSink(),
    )  # fmt: skip
    result = await engine.run(ISSUE)
    assert result.status == "error"
    assert result.error is not None and "no docker" in result.error


async def test_baseline_failure_is_an_error_result() -> None:
    tests = scenario()
    tests.baseline_error = RuntimeError("image missing")
    result = await solve([GOOD], tests=tests)
    assert result.status == "error"
    assert result.error is not None and "image missing" in result.error


async def test_single_runs_one_rollout_without_a_judge() -> None:
    judge = marker_judge("GOOD")
    result = await solve([GOOD, BAD, BAD], judge=judge, strategy="single")
    assert [r.id for r in result.rollouts] == ["r0-0"]
    assert result.status == "resolved"
    assert result.judge_calls == 0 == judge.calls


async def test_best_of_n_takes_the_first_gate_passer_that_passes_holdout() -> None:
    judge = marker_judge("BAD")
    result = await solve(
        [BROKEN, BAD, GOOD, GOOD_AGAIN], judge=judge, strategy="best-of-n", rounds=3
    )
    assert result.rounds == 1
    assert result.winner is not None and result.winner.rollout_id == "r0-2"
    assert [h.rollout_id for h in result.holdouts] == ["r0-1", "r0-2"]
    assert result.judge_calls == 0 == judge.calls
