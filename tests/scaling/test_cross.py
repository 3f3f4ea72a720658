"""Finalists' cross-checks: who runs whose tests, what counts as a failure, and that they are
evidence only (the winner and the holdout order stay as the tournament made them)."""

from __future__ import annotations

import time

from scaling.config import Budget, Estimate, Estimates
from scaling.cross import cross_verdict
from scaling.engine import Engine
from scaling.events import EVENT_ADAPTER, CrossChecked
from scaling.issue import Issue
from scaling.result import BaselineRecord, RunResult
from scaling.testrun import Outcome, TestRun
from tests.fakes.scaling import (
    FakeClock,
    FakeRolloutRunner,
    FakeSummarizer,
    FakeTestRunner,
    RecordingSink,
    ScoringJudge,
    make_patch,
    make_run,
)
from tests.scaling.scenario import FLAKY, MEAN, config, fix, outcomes

ISSUE = Issue(title="median() is wrong", body="median([3, 1, 2]) returns 3", number=7)
PRE = "tests/test_stats.py::test_known_bug"  # fails on the unpatched code, every time
RANK = {"ALPHA": 4.0, "BETA": 3.0, "GAMMA": 2.0, "DELTA": 1.0}


def new_test(marker: str) -> str:
    return f"tests/test_{marker.lower()}.py::test_it"


def with_test(marker: str) -> str:
    """A fix plus a new test module of its own."""
    module = f"tests/test_{marker.lower()}.py"
    return fix(marker) + make_patch(
        module,
        ["from calc.stats import median", "def test_it():", "    assert median([2]) == 2"],
        new=True,
    )


ALPHA, BETA, GAMMA = with_test("ALPHA"), with_test("BETA"), with_test("GAMMA")
DELTA = fix("DELTA")  # no tests of its own: nobody runs tests from it
PATCHES = {"ALPHA": ALPHA, "BETA": BETA, "GAMMA": GAMMA, "DELTA": DELTA}


def judge() -> ScoringJudge:
    return ScoringJudge(lambda s: max((v for k, v in RANK.items() if k in s.approach), default=0))


def repo_tests() -> FakeTestRunner:
    """Every patch passes its gate; the baseline has a flaky and a pre-existing failing test."""
    base = {**outcomes(), PRE: "failed"}
    return FakeTestRunner(
        baselines=[make_run(base), make_run({**base, FLAKY: "failed"})],
        candidates={
            p: make_run({**base, **({new_test(m): "passed"} if m != "DELTA" else {})})
            for m, p in PATCHES.items()
        },
    )


async def solve(
    markers: list[str],
    tests: FakeTestRunner | None = None,
    sink: RecordingSink | None = None,
    engine_clock: FakeClock | None = None,
    seconds_per_rollout: float = 0.0,
    **kwargs: object,
) -> RunResult:
    runner = FakeRolloutRunner.from_patches(
        [PATCHES[m] for m in markers], clock=engine_clock, seconds_per_rollout=seconds_per_rollout
    )
    engine = Engine(
        config(rollouts=len(markers), **kwargs),
        runner,
        FakeSummarizer(),
        judge(),
        tests or repo_tests(),
        sink or RecordingSink(),
        clock=engine_clock or time.monotonic,
    )
    return await engine.run(ISSUE)


def pairs(result: RunResult) -> set[tuple[str, str]]:
    return {(c.candidate, c.tests_from) for c in result.cross_checks}


async def test_only_finalists_run_each_others_new_tests() -> None:
    tests = repo_tests()
    result = await solve(["DELTA", "GAMMA", "BETA", "ALPHA"], tests, cross_finalists=3)
    (order,) = result.tournament_order
    assert order[0] == "r0-3", "the judge ranks ALPHA first"
    finalists = order[:3]
    has_tests = {"r0-1", "r0-2", "r0-3"}  # DELTA (r0-0) adds no tests
    expected = {(a, b) for a in finalists for b in finalists if a != b and b in has_tests}
    assert pairs(result) == expected and len(tests.cross_calls) == len(expected)
    outsider = order[3]
    assert all(outsider not in pair for pair in pairs(result))
    assert all(c.status == "passed" for c in result.cross_checks)
    # B's tests arrive as B's whole patch plus the files to take from it.
    ids = {f"r0-{i}": p for i, p in enumerate([DELTA, GAMMA, BETA, ALPHA])}
    crossed = {(patch, tests_patch, files) for patch, tests_patch, files in tests.cross_calls}
    assert (ids["r0-3"], BETA, ("tests/test_beta.py",)) in crossed


async def test_evidence_does_not_change_the_winner_or_the_holdout_order() -> None:
    def tests() -> FakeTestRunner:
        runner = repo_tests()
        # The judge's favourite fails everyone else's tests, and they all pass its tests.
        for other in (BETA, GAMMA):
            runner.crosses[(ALPHA, other)] = make_run({new_test("OTHER"): "failed"})
        return runner

    sink = RecordingSink()
    checked = await solve(["ALPHA", "BETA", "GAMMA"], tests(), sink, cross_finalists=3)
    plain = await solve(["ALPHA", "BETA", "GAMMA"], tests(), cross_finalists=0)
    assert checked.winner == plain.winner and checked.winner is not None
    assert checked.winner.rollout_id == "r0-0"
    assert checked.tournament_order == plain.tournament_order
    assert checked.holdouts == plain.holdouts
    assert plain.cross_checks == ()
    own = [c for c in checked.cross_checks if c.candidate == "r0-0"]
    assert [c.status for c in own] == ["failed", "failed"]
    assert own[0].failures == (new_test("OTHER"),)
    # The evidence is reported before the holdout decides.
    kinds = sink.kinds()
    assert kinds.count("cross_checked") == 6
    assert max(i for i, k in enumerate(kinds) if k == "cross_checked") < kinds.index(
        "holdout_decided"
    )


async def test_flaky_and_preexisting_failures_do_not_count() -> None:
    tests = repo_tests()
    noise: dict[str, Outcome] = {FLAKY: "failed", PRE: "failed"}
    tests.crosses[(ALPHA, BETA)] = make_run({**noise, new_test("BETA"): "passed"})
    tests.crosses[(BETA, ALPHA)] = make_run({**noise, MEAN: "failed"})
    result = await solve(["ALPHA", "BETA"], tests)
    by_pair = {(c.candidate, c.tests_from): c for c in result.cross_checks}
    assert by_pair[("r0-0", "r0-1")].status == "passed"
    assert by_pair[("r0-1", "r0-0")].status == "failed"
    assert by_pair[("r0-1", "r0-0")].failures == (MEAN,)


async def test_tests_that_do_not_apply_are_not_applicable_and_errors_are_recorded() -> None:
    tests = repo_tests()
    clash = TestRun(exit_code=1, not_applicable=True, output_tail="already exists")
    tests.crosses[(ALPHA, BETA)] = clash
    tests.crosses[(BETA, ALPHA)] = RuntimeError("sandbox died")
    result = await solve(["ALPHA", "BETA"], tests)
    by_pair = {(c.candidate, c.tests_from): c for c in result.cross_checks}
    assert by_pair[("r0-0", "r0-1")].status == "not_applicable"
    assert by_pair[("r0-0", "r0-1")].test_files == ("tests/test_beta.py",)
    assert by_pair[("r0-1", "r0-0")].status == "error"
    assert "sandbox died" in by_pair[("r0-1", "r0-0")].detail
    assert result.status == "resolved" and result.winner is not None


async def test_zero_or_one_finalist_runs_nothing() -> None:
    for finalists in (0, 1):
        tests = repo_tests()
        result = await solve(["ALPHA", "BETA", "GAMMA"], tests, cross_finalists=finalists)
        assert result.cross_checks == () and tests.cross_calls == []
        assert result.status == "resolved"


async def test_a_budget_that_cannot_cover_them_skips_them_but_keeps_the_holdout() -> None:
    estimates = Estimates(
        rollout=Estimate(wall_s=100), summary=Estimate(), vote=Estimate(), tests=Estimate(wall_s=60)
    )
    clock = FakeClock()
    tests = repo_tests()
    # Two rollouts of 450 s leave 100 s: room for the holdout run, not for checks before it.
    result = await solve(
        ["ALPHA", "BETA"],
        tests,
        engine_clock=clock,
        seconds_per_rollout=450,
        budget=Budget(usd=None, wall_s=1000),
        estimates=estimates,
    )
    assert result.cross_checks == () and tests.cross_calls == []
    skipped = sorted(s.what for s in result.skipped)
    assert skipped == [
        "cross-check of r0-0 with tests from r0-1",
        "cross-check of r0-1 with tests from r0-0",
    ]
    assert result.status == "resolved" and [h.rollout_id for h in result.holdouts] == ["r0-0"]


async def test_result_json_and_events_carry_the_checks() -> None:
    sink = RecordingSink()
    result = await solve(["ALPHA", "BETA"], sink=sink)
    data = result.model_dump(mode="json")
    assert {(c["candidate"], c["tests_from"], c["status"]) for c in data["cross_checks"]} == {
        ("r0-0", "r0-1", "passed"),
        ("r0-1", "r0-0", "passed"),
    }
    assert RunResult.model_validate(data) == result
    (event, _) = sink.of("cross_checked")
    assert isinstance(event, CrossChecked)
    assert EVENT_ADAPTER.validate_json(event.model_dump_json()) == event


def test_verdict_without_a_per_test_report_or_any_test() -> None:
    base = BaselineRecord(runs=2, parsed=True, flaky=(FLAKY,))
    unparsed = BaselineRecord(runs=2, parsed=False)
    files = ["tests/test_beta.py"]
    assert cross_verdict("a", "b", files, TestRun(exit_code=0), unparsed).status == "passed"
    failed = cross_verdict("a", "b", files, TestRun(exit_code=2), unparsed)
    assert failed.status == "failed" and "exited with 2" in failed.detail
    # Where the baseline wrote a report, a run without one fails, whatever its exit code.
    silent = cross_verdict("a", "b", files, TestRun(exit_code=0), base)
    assert silent.status == "failed" and "no readable report" in silent.detail
    hung = cross_verdict("a", "b", files, TestRun(exit_code=1, timed_out=True), base)
    assert hung.status == "failed" and "timed out" in hung.detail
    empty = cross_verdict("a", "b", files, TestRun(exit_code=5, parsed=True), base)
    assert empty.status == "error"
    only_flaky = cross_verdict("a", "b", files, make_run({FLAKY: "failed"}), base)
    assert only_flaky.status == "passed"
    assert only_flaky.model_dump()["test_files"] == ("tests/test_beta.py",)


async def test_a_pair_repeated_in_a_later_round_is_not_run_again() -> None:
    tests = repo_tests()
    failing = make_run({"tests/holdout/test_even.py::test_even": "failed"})
    tests.holdouts = {ALPHA: failing, BETA: failing}  # nothing wins, so round 1 runs
    result = await solve(["ALPHA", "BETA"], tests, rounds=2)
    assert result.rounds == 2 and result.status == "unresolved"
    assert pairs(result) == {
        ("r0-0", "r0-1"),
        ("r0-1", "r0-0"),
        ("r1-0", "r1-1"),
        ("r1-1", "r1-0"),
    }
    assert len(tests.cross_calls) == 2
