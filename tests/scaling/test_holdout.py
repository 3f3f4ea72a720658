"""The holdout: its tests learned on the unpatched code, a candidate checked against them."""

from __future__ import annotations

import pytest

from scaling.holdout import NO_HOLDOUT_TESTS, HoldoutTests, holdout_verdict
from scaling.testids import in_paths
from scaling.testrun import TestRun
from tests.fakes.scaling import make_run
from tests.scaling.scenario import BAD, BROKEN, CHEAT, GOOD, scenario
from tests.scaling.test_engine import solve

EVEN = "tests/holdout/test_even.py::test_even"
ODD = "tests/holdout/test_even.py::test_odd"
LEARNED = HoldoutTests(make_run({EVEN: "failed", ODD: "passed"}))


def verdict(run: TestRun) -> tuple[bool, str]:
    result = holdout_verdict("r0-0", run, LEARNED)
    return result.passed, result.reason


def test_every_learned_test_must_be_reported_and_pass() -> None:
    assert verdict(make_run({EVEN: "passed", ODD: "passed"})) == (True, "")
    passed, reason = verdict(make_run({EVEN: "passed"}))
    assert not passed and reason == f"holdout tests did not all pass: {ODD} (missing)"
    passed, reason = verdict(make_run({EVEN: "skipped", ODD: "passed"}))
    assert not passed and f"{EVEN} (skipped)" in reason
    passed, reason = verdict(make_run({EVEN: "passed", ODD: "passed", "tests/x.py::t": "failed"}))
    assert not passed and "tests/x.py::t (failed)" in reason


def test_a_run_that_ran_nothing_or_lied_never_passes() -> None:
    assert not verdict(make_run({}))[0]
    passed, reason = verdict(TestRun(exit_code=0))
    assert not passed and "no readable report" in reason
    forged = make_run({EVEN: "passed", ODD: "passed"}).model_copy(update={"forged": "x"})
    assert verdict(forged) == (False, "forged test result: x")
    timed_out = make_run({EVEN: "passed", ODD: "passed"}).model_copy(update={"timed_out": True})
    assert not verdict(timed_out)[0]


def test_a_holdout_that_runs_no_holdout_test_cannot_check_anything() -> None:
    with pytest.raises(ValueError, match=r"tests\.holdout_command"):
        HoldoutTests(make_run({}))
    assert "deselects" in NO_HOLDOUT_TESTS


def test_test_ids_in_holdout_paths() -> None:
    assert in_paths(EVEN, ["tests/holdout"]) and in_paths(EVEN, ["tests/holdout/"])
    assert in_paths(EVEN, ["tests/holdout/test_even.py"])
    assert not in_paths("tests/test_stats.py::test_mean", ["tests/holdout"])
    assert not in_paths("tests/holdoutish/test_x.py::t", ["tests/holdout"])
    assert in_paths("pkg/stats::TestEven", ["pkg/stats/even_holdout_test.go"])


async def test_the_engine_learns_the_holdout_and_holds_candidates_to_it() -> None:
    tests = scenario()
    tests.holdout_base = make_run({EVEN: "failed"})
    tests.holdouts[GOOD] = make_run({EVEN: "passed"})
    tests.holdouts[BAD] = make_run({})  # reports nothing: the old rule passed it on exit 0
    result = await solve([BAD, GOOD], tests=tests, judge=None)
    assert result.status == "resolved" and result.winner is not None
    assert result.winner.rollout_id == "r0-1"
    assert ("holdout_baseline", "") in tests.calls


async def test_a_holdout_with_no_test_in_its_paths_ends_the_run_with_the_fix() -> None:
    tests = scenario()
    tests.holdout_base = make_run({})
    result = await solve([GOOD], tests=tests)
    assert result.status == "error" and result.winner is None
    assert result.error is not None and "tests.holdout_command" in result.error
    assert result.reason == result.error


async def test_an_unresolved_run_says_why() -> None:
    flagged = await solve([CHEAT], tests=scenario())
    assert flagged.status == "unresolved"
    assert (
        flagged.reason == "every candidate was flagged for tampering with tests or the test runner"
    )
    failing = await solve([BROKEN], tests=scenario())
    assert failing.reason == "no candidate passed its test gate"
    tests = scenario()
    tests.holdout_base = make_run({EVEN: "failed"})
    holdout = await solve([BAD], tests=tests)
    assert holdout.status == "unresolved" and holdout.patch == ""
    assert holdout.reason is not None and "failed the holdout tests" in holdout.reason
    assert f"{EVEN} (failed)" in holdout.reason
