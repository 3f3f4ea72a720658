"""Baseline classification: passing, flaky, pre-existing failures."""

from __future__ import annotations

from scaling.baseline import classify_baseline
from scaling.testrun import TestRun
from tests.fakes.scaling import make_run


def test_mixed_outcomes_are_flaky_and_constant_failures_preexisting() -> None:
    first = make_run(
        {"t::ok": "passed", "t::flaky": "passed", "t::broken": "failed", "t::skip": "skipped"}
    )
    second = make_run(
        {"t::ok": "passed", "t::flaky": "failed", "t::broken": "error", "t::skip": "skipped"}
    )
    record = classify_baseline([first, second])
    assert record.parsed
    assert record.passing == ("t::ok",)
    assert record.flaky == ("t::flaky",)
    assert record.preexisting == ("t::broken",)
    assert record.skipped == ("t::skip",)
    assert record.collected == 4


def test_a_test_missing_from_one_run_is_flaky() -> None:
    record = classify_baseline(
        [make_run({"a": "passed", "b": "passed"}), make_run({"a": "passed"})]
    )
    assert record.flaky == ("b",)
    assert record.collected == 1


def test_unparsed_runs_keep_only_exit_codes() -> None:
    record = classify_baseline([TestRun(exit_code=1), TestRun(exit_code=0)])
    assert not record.parsed
    assert record.exit_codes == (1, 0)
    assert record.passing == ()
