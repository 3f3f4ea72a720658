"""The runner's own count of failed tests against the report read after the run."""

from __future__ import annotations

from scaling.canary import judge_tally
from scaling.testrun import Outcome

TALLY = "k3f9a0c1d2e4b"
HONEST: dict[str, Outcome] = {
    "tests/q/k.py::must_pass": "passed",
    "tests/test_a.py::test_one": "failed",
    "tests/test_a.py::test_two": "error",
    "tests/q/k.py::must_fail": "failed",
}


def test_a_report_that_matches_the_count_is_accepted() -> None:
    assert judge_tally(HONEST, f"3 failed\n{TALLY} 3\n", TALLY) is None


def test_a_report_with_failures_removed_after_the_count_is_forged() -> None:
    edited = {
        **HONEST,
        "tests/test_a.py::test_one": "passed",
        "tests/test_a.py::test_two": "skipped",
    }
    reason = judge_tally(edited, f"{TALLY} 3\n", TALLY)
    assert reason == "the report lists 1 failing tests but the runner counted 3"


def test_a_missing_or_repeated_count_is_forged() -> None:
    assert judge_tally(HONEST, "3 failed in 0.1s\n", TALLY) is not None
    # Code under test printing a count of its own next to the runner's.
    assert judge_tally(HONEST, f"{TALLY} 0\n{TALLY} 3\n", TALLY) is not None
    # Only a whole line counts: the word inside other text is not the runner's count.
    assert judge_tally(HONEST, f"x{TALLY} 3\n{TALLY} 3 extra\n", TALLY) is not None


def test_a_runner_whose_outcome_code_was_replaced_is_forged() -> None:
    reason = judge_tally(HONEST, f"{TALLY} 3 changed Function.runtest,CallInfo.from_call\n", TALLY)
    assert reason == (
        "code under test replaced the test runner's Function.runtest, CallInfo.from_call"
    )


def test_output_cut_in_the_middle_cannot_vouch_for_the_count() -> None:
    # What is left after the cut may be a count printed by code under test.
    reason = judge_tally(HONEST, f"{TALLY} 3\n", TALLY, cut_bytes=17 << 20)
    assert reason is not None and "`tests.command`" in reason
