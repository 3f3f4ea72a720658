"""Gate decisions against a flaky-aware baseline, and reproduction evidence."""

from __future__ import annotations

from scaling.baseline import classify_baseline
from scaling.diff import parse_diff
from scaling.gate import decide_gate, reproduction_verdict
from scaling.result import BaselineRecord
from scaling.testrun import Outcome, TestRun
from tests.fakes.scaling import make_patch, make_run

FIX = make_patch("calc/stats.py", ["    return sorted(xs)[len(xs) // 2]"], ["    return xs[0]"])
NEW_TEST = make_patch(
    "tests/test_new.py", ["def test_median():", "    assert median([3, 1, 2]) == 2"], new=True
)
BASE: dict[str, Outcome] = {
    "tests/test_a.py::test_one": "passed",
    "tests/test_a.py::test_flaky": "passed",
    "tests/test_a.py::test_old_bug": "failed",
}


def baseline() -> BaselineRecord:
    second = {**BASE, "tests/test_a.py::test_flaky": "failed"}
    return classify_baseline([make_run(BASE), make_run(second)])


def gate(patch: str, run: TestRun, tamper: tuple[str, ...] = ()) -> tuple[bool, tuple[str, ...]]:
    result = decide_gate("r0-0", parse_diff(patch), baseline(), run, None, tamper)
    return result.passed, result.reasons


def test_passes_when_nothing_regresses_even_if_flaky_and_old_failures_fail() -> None:
    run = make_run({**BASE, "tests/test_a.py::test_flaky": "failed"})
    assert gate(FIX, run) == (True, ())


def test_fails_when_a_baseline_passing_test_fails_or_goes_missing() -> None:
    failing = make_run({**BASE, "tests/test_a.py::test_one": "failed"})
    passed, reasons = gate(FIX, failing)
    assert not passed
    assert "tests/test_a.py::test_one (failed)" in reasons[0]
    missing = make_run({"tests/test_a.py::test_flaky": "passed"})
    passed, reasons = gate(FIX, missing)
    assert not passed
    assert "test_one (missing)" in reasons[0]


def test_own_new_tests_must_pass() -> None:
    run = make_run({**BASE, "tests/test_new.py::test_median": "failed"})
    passed, reasons = gate(FIX + NEW_TEST, run)
    assert not passed
    assert reasons == ("new tests do not pass: tests/test_new.py::test_median",)


def test_test_only_patch_does_not_pass() -> None:
    passed, reasons = gate(NEW_TEST, make_run(BASE))
    assert not passed
    assert "changes no code" in reasons[0]


def test_tamper_flags_fail_the_gate() -> None:
    passed, reasons = gate(FIX, make_run(BASE), ("conftest.py added: conftest.py",))
    assert not passed
    assert "tampering" in reasons[-1]


def test_without_a_report_on_either_side_the_exit_code_decides() -> None:
    unparsed = BaselineRecord(runs=2, parsed=False, exit_codes=(0, 0))
    ok = decide_gate("r0-0", parse_diff(FIX), unparsed, TestRun(exit_code=0), None, ())
    assert (ok.passed, ok.reasons) == (True, ())
    bad = decide_gate("r0-0", parse_diff(FIX), unparsed, TestRun(exit_code=1), None, ())
    assert not bad.passed
    assert "exited with 1" in bad.reasons[0]


def test_a_run_without_a_report_fails_when_the_baseline_wrote_one() -> None:
    for code in (0, 1):
        passed, reasons = gate(FIX, TestRun(exit_code=code))
        assert not passed
        assert "no readable report" in reasons[0]


def test_a_test_the_baseline_reported_must_be_reported_again() -> None:
    # The old failure and the flaky test vanish; only the flaky one may.
    run = make_run({"tests/test_a.py::test_one": "passed"})
    passed, reasons = gate(FIX, run)
    assert not passed
    assert reasons == (
        "tests the unpatched code reported are missing: tests/test_a.py::test_old_bug",
    )


def test_timeout_fails() -> None:
    run = TestRun(exit_code=0, outcomes=dict(BASE), parsed=True, timed_out=True)
    assert gate(FIX, run)[0] is False


def test_reproduction_needs_fail_before_and_pass_after() -> None:
    files = ["tests/test_new.py"]
    after = make_run(
        {"tests/test_new.py::test_median": "passed", "tests/test_a.py::test_one": "passed"}
    )
    fails_before = make_run({"tests/test_new.py::test_median": "failed"})
    passes_before = make_run({"tests/test_new.py::test_median": "passed"})
    collection_error = make_run({"tests/test_new.py": "error"})
    assert reproduction_verdict(files, after, fails_before) is True
    assert reproduction_verdict(files, after, collection_error) is True
    assert reproduction_verdict(files, after, passes_before) is False
    still_failing = make_run({"tests/test_new.py::test_median": "failed"})
    assert reproduction_verdict(files, still_failing, fails_before) is False
    assert reproduction_verdict([], after, fails_before) is None


def test_reproduction_finds_go_tests_under_their_package_and_js_tests_under_their_file() -> None:
    go_after = make_run({"stats::TestMedianEven": "passed", "stats::TestMedianOdd": "passed"})
    go_before = make_run({"stats::TestMedianEven": "failed", "stats::TestMedianOdd": "passed"})
    assert reproduction_verdict(["stats/even_test.go"], go_after, go_before) is True
    js_after = make_run({"src/median.test.ts > median > even": "passed"})
    js_before = make_run({"src/median.test.ts > median > even": "failed"})
    assert reproduction_verdict(["src/median.test.ts"], js_after, js_before) is True
    assert reproduction_verdict(["src/other.test.ts"], js_after, js_before) is None
