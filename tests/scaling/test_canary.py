"""The canary judgement: which reports are authentic, and the exit code a run is judged by."""

from __future__ import annotations

from scaling.canary import CanaryIds, judge_canaries
from scaling.cross import cross_verdict
from scaling.result import BaselineRecord
from scaling.tamper import forgery
from scaling.testrun import Outcome, TestRun
from tests.fakes.scaling import make_run
from tests.scaling.scenario import GOOD, WITH_TEST, scenario
from tests.scaling.test_engine import solve

CANARY = CanaryIds(must_pass="tests/q1/k2.py::a3", must_fail="tests/q1/k2.py::b4")
REAL: dict[str, Outcome] = {"tests/test_a.py::test_one": "passed"}


def judge(outcomes: dict[str, Outcome], exit_code: int = 1) -> tuple[int, str | None]:
    judged = judge_canaries(outcomes, exit_code, CANARY, tests_failed=exit_code == 1)
    assert set(judged.outcomes) == set(outcomes) - {CANARY.must_pass, CANARY.must_fail}
    return judged.exit_code, judged.forged


def with_canaries(real: dict[str, Outcome]) -> dict[str, Outcome]:
    return {CANARY.must_pass: "passed", **real, CANARY.must_fail: "failed"}


def test_an_authentic_passing_run_is_judged_as_exit_0() -> None:
    assert judge(with_canaries(REAL)) == (0, None)


def test_an_authentic_failing_run_keeps_its_exit_code() -> None:
    assert judge(with_canaries({"tests/test_a.py::test_one": "failed"})) == (1, None)
    # Not "tests failed" but worse (pytest's internal error): never judged as a pass.
    code, forged = judge(with_canaries(REAL), exit_code=3)
    assert (code, forged) == (3, None)


def test_a_forged_all_passed_report_is_caught() -> None:
    everything_passed: dict[str, Outcome] = dict.fromkeys(with_canaries(REAL), "passed")
    code, forged = judge(everything_passed, exit_code=0)
    assert code != 0 and forged is not None and "must-fail" in forged


def test_a_report_without_the_canaries_is_forged() -> None:
    code, forged = judge(dict(REAL), exit_code=0)
    assert code != 0 and forged is not None
    code, forged = judge({CANARY.must_pass: "passed", **REAL}, exit_code=1)
    assert forged is not None and "must-fail" in forged and "missing" in forged
    code, forged = judge({**REAL, CANARY.must_fail: "failed"}, exit_code=1)
    assert forged is not None and "must-pass" in forged


def test_exit_0_while_the_must_fail_canary_failed_is_forged() -> None:
    code, forged = judge(with_canaries(REAL), exit_code=0)
    assert code != 0 and forged == "the test command exited 0 although tests failed"


def test_a_run_cut_short_by_a_genuine_failure_fails_without_being_forged() -> None:
    # -x stopped the run at a real failure, before the must-fail canary.
    cut: dict[str, Outcome] = {CANARY.must_pass: "passed", "tests/test_a.py::test_one": "failed"}
    assert judge(cut) == (1, None)
    # A collection error stopped it before any test.
    assert judge({"tests/test_broken.py": "error"}, exit_code=2) == (2, None)


def test_a_must_pass_canary_that_fails_alone_is_forged() -> None:
    code, forged = judge({CANARY.must_pass: "failed", **REAL, CANARY.must_fail: "failed"})
    assert code != 0 and forged is not None and "must-pass" in forged


def test_exit_0_without_a_report_is_forged_only_where_the_baseline_wrote_one() -> None:
    reporting = BaselineRecord(runs=2, parsed=True, passing=tuple(REAL), collected=1)
    silent = BaselineRecord(runs=2, parsed=False, exit_codes=(0, 0))
    assert forgery(reporting, TestRun(exit_code=0)) == [
        "forged test result: the test command exited 0 without writing its report"
    ]
    assert forgery(reporting, TestRun(exit_code=2)) == []  # a crash fails, it forges nothing
    assert forgery(silent, TestRun(exit_code=0)) == []
    assert forgery(reporting, TestRun(exit_code=1, forged="x")) == ["forged test result: x"]


async def test_a_forged_baseline_ends_the_run_with_why() -> None:
    tests = scenario()
    tests.baselines = [make_run(REAL).model_copy(update={"forged": "the must-fail check passed"})]
    result = await solve([GOOD], tests=tests)
    assert result.status == "error" and result.winner is None
    assert result.error is not None and "not authentic" in result.error
    assert "the must-fail check passed" in result.error and "tests.command" in result.error


async def test_a_forged_reproduction_flags_the_candidate() -> None:
    tests = scenario()
    tests.reproductions[WITH_TEST] = tests.reproductions[WITH_TEST].model_copy(
        update={"forged": "the must-pass check test was missing from the report"}
    )
    result = await solve([WITH_TEST], tests=tests)
    assert result.status == "unresolved" and result.rollouts[0].gate == "flagged"
    assert result.gates[0].tamper == (
        "forged test result in the reproduction: the must-pass check test was missing from "
        "the report",
    )


def test_a_forged_cross_check_is_a_failure_with_the_reason() -> None:
    run = TestRun(exit_code=0, parsed=True, outcomes=dict(REAL), forged="exit 0 though failed")
    verdict = cross_verdict("a", "b", ["tests/test_a.py"], run, None)
    assert (
        verdict.status == "failed" and verdict.detail == "forged test result: exit 0 though failed"
    )


def judge_apart(outcomes: dict[str, Outcome], exit_code: int) -> tuple[int, str | None]:
    """Canaries that ran in invocations of their own: `exit_code` is the command's alone."""
    judged = judge_canaries(outcomes, exit_code, CANARY, exit_code == 1, apart=True)
    assert (judged.unreadable is not None) == (
        exit_code != 0 and judged.forged is None and "failed" not in judged.outcomes.values()
    )
    return judged.exit_code, judged.forged


def test_canaries_apart_never_excuse_the_commands_failure() -> None:
    # The report was rewritten to say every test passed, but the command itself failed.
    assert judge_apart(with_canaries(REAL), exit_code=1) == (1, None)
    # An honest passing command exits 0 although its must-fail canary (run apart) failed.
    assert judge_apart(with_canaries(REAL), exit_code=0) == (0, None)
    code, forged = judge_apart(with_canaries({"tests/test_a.py::test_one": "failed"}), 0)
    assert code == 1 and forged is not None
    code, forged = judge_apart(dict.fromkeys(with_canaries(REAL), "passed"), 0)
    assert code == 1 and forged is not None
