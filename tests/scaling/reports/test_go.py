"""`go test -json` output from Go 1.19, with build failures, panics, timeouts and exits."""

from __future__ import annotations

import pytest

from scaling.reports import ReportError, parse_report
from tests.scaling.reports.files import cut, fixture

STATS = "example.com/calc/stats"


def test_every_outcome_with_subtests_and_parents() -> None:
    outcomes = parse_report("go", fixture("go/mixed.jsonl")).outcomes
    assert outcomes[f"{STATS}::TestMedianOdd"] == "passed"
    assert outcomes[f"{STATS}::TestMedianEven"] == "failed"
    assert outcomes[f"{STATS}::TestTable/two"] == "failed"
    assert outcomes[f"{STATS}::TestTable/three_values"] == "passed"
    assert outcomes[f"{STATS}::TestTable"] == "failed"
    assert outcomes[f"{STATS}::TestNested/outer/inner/slash"] == "passed"
    assert outcomes[f"{STATS}::TestNested/outer/skipped"] == "skipped"
    assert outcomes[f"{STATS}::TestSkipped"] == "skipped"
    assert outcomes[f"{STATS}::ExampleMedian"] == "passed"
    # The package with no test files reports nothing at all.
    assert not any(test.startswith("example.com/calc/empty") for test in outcomes)


def test_a_panic_fails_the_test_and_the_rest_go_missing() -> None:
    outcomes = parse_report("go", fixture("go/mixed.jsonl")).outcomes
    assert outcomes["example.com/calc/strutil::TestPanics"] == "failed"
    assert "example.com/calc/strutil::TestNeverRuns" not in outcomes


@pytest.mark.parametrize("name", ["go/mixed.jsonl", "go/mixed_with_stderr.jsonl"])
def test_a_package_that_does_not_build_is_an_error(name: str) -> None:
    assert parse_report("go", fixture(name)).outcomes["example.com/calc/broken"] == "error"


def test_tests_cut_off_by_a_timeout_are_errors() -> None:
    outcomes = parse_report("go", fixture("go/timeout.jsonl")).outcomes
    assert outcomes == {
        "example.com/calc/hang::TestQuick": "passed",
        "example.com/calc/hang::TestParallelA": "error",
        "example.com/calc/hang::TestHangs": "error",
    }


def test_exit_zero_inside_a_test_is_a_failure() -> None:
    outcomes = parse_report("go", fixture("go/os_exit.jsonl")).outcomes
    assert outcomes["example.com/calc/exits::TestExitsZero"] == "failed"
    assert "example.com/calc/exits::TestAfter" not in outcomes


def test_shuffled_order_gives_the_same_ids() -> None:
    shuffled = parse_report("go", fixture("go/shuffled.jsonl")).outcomes
    plain = parse_report("go", fixture("go/mixed.jsonl")).outcomes
    assert shuffled == {k: v for k, v in plain.items() if k.startswith(STATS + "::")}


def test_a_passing_package_reports_only_its_tests() -> None:
    outcomes = parse_report("go", fixture("go/passing.jsonl")).outcomes
    assert outcomes == {"example.com/calc/strutil::TestReversePasses": "passed"}


def test_a_package_that_failed_outside_its_tests_is_an_error() -> None:
    text = (
        '{"Action":"run","Package":"m/p","Test":"TestA"}\n'
        '{"Action":"pass","Package":"m/p","Test":"TestA"}\n'
        '{"Action":"output","Package":"m/p","Output":"FAIL: TestMain found a leak\\n"}\n'
        '{"Action":"fail","Package":"m/p"}\n'
    )
    assert parse_report("go", text).outcomes == {"m/p::TestA": "passed", "m/p": "error"}


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_a_cut_stream_is_an_error(keep: float) -> None:
    with pytest.raises(ReportError, match=r"not valid JSON|still running"):
        parse_report("go", cut(fixture("go/mixed.jsonl"), keep))


def test_a_stream_cut_between_events_is_an_error() -> None:
    lines = fixture("go/passing.jsonl").splitlines(keepends=True)
    with pytest.raises(ReportError, match="still running"):
        parse_report("go", b"".join(lines[:-1]))


@pytest.mark.parametrize("text", ["", "ok  \tm/p\t0.01s\n", "PASS\n", "{not json}\n", "[1, 2]\n"])
def test_output_without_events_is_an_error(text: str) -> None:
    with pytest.raises(ReportError):
        parse_report("go", text)


def test_packages_inside_the_module_are_named_relative_to_it() -> None:
    outcomes = parse_report("go", fixture("go/mixed.jsonl"), "example.com/calc").outcomes
    assert outcomes["stats::TestTable/two"] == "failed"
    assert outcomes["broken"] == "error"
    root = '{"Action":"run","Package":"m","Test":"TestA"}\n{"Action":"pass","Package":"m"}\n'
    assert parse_report("go", root, "m").outcomes == {".::TestA": "error"}
    assert parse_report("go", root, "mod").outcomes == {"m::TestA": "error"}
