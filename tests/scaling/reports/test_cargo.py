"""`cargo test` output from cargo 1.95: several binaries, doc-tests, a crash, a workspace."""

from __future__ import annotations

import pytest

from scaling.reports import ReportError, parse_report
from tests.scaling.reports.files import cut, fixture


def test_no_fail_fast_reports_every_binary_and_doc_test() -> None:
    outcomes = parse_report("cargo", fixture("cargo/no_fail_fast.txt")).outcomes
    assert outcomes == {
        "calc/src/lib.rs::tests::adds": "passed",
        "calc/src/lib.rs::tests::median_even": "failed",
        "calc/src/lib.rs::tests::empty_panics": "passed",
        "calc/src/lib.rs::tests::online": "skipped",
        "calc/src/lib.rs::tests::slow": "skipped",
        "calc/src/lib.rs::tests::prints_bad_bytes": "failed",
        "calc/src/lib.rs::tests::nested::deep": "passed",
        "calc/src/main.rs::tests::runs": "passed",
        "tests/api.rs::public_add": "passed",
        "tests/api.rs::adds": "failed",
        # The binary aborted after its first test: the rest are missing, the binary errs.
        "tests/crash.rs::a_before": "passed",
        "tests/crash.rs": "error",
        # Two examples on `add`, numbered by line; attributes and line numbers left out.
        "calc/src/lib.rs - add": "passed",
        "calc/src/lib.rs - add #2": "failed",
        "calc/src/lib.rs - median": "skipped",
        "calc/src/lib.rs - median #2": "passed",
    }


def test_fail_fast_stops_after_the_first_failing_binary() -> None:
    outcomes = parse_report("cargo", fixture("cargo/fail_fast.txt")).outcomes
    assert {test.split("::")[0] for test in outcomes} == {"calc/src/lib.rs"}
    assert outcomes["calc/src/lib.rs::tests::median_even"] == "failed"


def test_workspace_unit_tests_stay_apart_and_same_named_test_files_merge() -> None:
    outcomes = parse_report("cargo", fixture("cargo/workspace.txt")).outcomes
    assert outcomes == {
        "alpha/src/lib.rs::tests::it_works": "passed",
        "beta/src/lib.rs::tests::it_works": "passed",
        # Cargo does not say which crate a test file belongs to: the worse result counts.
        "tests/common.rs::shared": "failed",
    }


def test_an_id_does_not_depend_on_which_targets_ran() -> None:
    full = parse_report("cargo", fixture("cargo/no_fail_fast.txt")).outcomes
    text = fixture("cargo/no_fail_fast.txt").decode(errors="replace")
    api = text[text.index("     Running tests/api.rs") : text.index("     Running tests/crash.rs")]
    alone = parse_report("cargo", api).outcomes
    assert alone == {k: v for k, v in full.items() if k.startswith("tests/api.rs")}


def test_stdout_alone_still_gives_outcomes_and_the_crash() -> None:
    outcomes = parse_report("cargo", fixture("cargo/stdout_only.txt")).outcomes
    assert outcomes["tests::median_even"] == "failed"
    assert outcomes["adds"] == "failed"
    assert outcomes["cargo test"] == "error"


def test_one_passing_test_with_the_rest_filtered_out() -> None:
    outcomes = parse_report("cargo", fixture("cargo/passing.txt")).outcomes
    assert outcomes == {"calc/src/lib.rs::tests::adds": "passed"}


def test_a_build_failure_is_an_error_not_an_empty_pass() -> None:
    with pytest.raises(ReportError, match="did the build fail"):
        parse_report("cargo", fixture("cargo/compile_error.txt"))


def test_output_cut_inside_a_binary_is_an_error() -> None:
    text = fixture("cargo/passing.txt")
    with pytest.raises(ReportError, match="cut short"):
        parse_report("cargo", text[: text.index(b"test result")])


@pytest.mark.parametrize("keep", [0.2, 0.5, 0.8])
def test_cut_no_fail_fast_output_is_an_error(keep: float) -> None:
    with pytest.raises(ReportError):
        parse_report("cargo", cut(fixture("cargo/no_fail_fast.txt"), keep))


def test_results_that_disagree_with_the_count_are_garbled() -> None:
    text = fixture("cargo/passing.txt").replace(b"test tests::adds ... ok\n", b"")
    with pytest.raises(ReportError, match="garbled"):
        parse_report("cargo", text)


def test_quiet_output_is_refused_with_what_to_change() -> None:
    text = "running 2 tests\n..\ntest result: ok. 2 passed; 0 failed; 0 ignored; 0 measured;"
    with pytest.raises(ReportError, match="--quiet"):
        parse_report("cargo", text)


def test_test_output_that_mentions_running_does_not_split_a_binary() -> None:
    text = fixture("cargo/no_fail_fast.txt").replace(
        b"  left: 3.0\n", b"  left: 3.0\nRunning unittests src/fake.rs (x)\n"
    )
    assert parse_report("cargo", text) == parse_report("cargo", fixture("cargo/no_fail_fast.txt"))
