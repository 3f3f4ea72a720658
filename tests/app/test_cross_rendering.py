"""The finalists' cross-checks in the PR body, the check run and `autofix solve`'s summary.md."""

from __future__ import annotations

from pathlib import Path

from app.solve.output import write_outputs
from app.status.cross import cross_sentence
from app.status.render import render_check, render_pr_body
from scaling.result import CrossCheckResult, GateResult, RunResult, Winner


def _check(candidate: str, tests_from: str, status: str, *failures: str) -> CrossCheckResult:
    return CrossCheckResult.model_validate(
        {
            "candidate": candidate,
            "tests_from": tests_from,
            "status": status,
            "failures": failures,
            "test_files": (f"tests/test_{tests_from}.py",),
        }
    )


CHECKS = (
    _check("r0-1", "r0-0", "passed"),
    _check("r0-1", "r0-2", "passed"),
    _check("r0-0", "r0-1", "failed", "tests/test_r0-1.py::test_even", "tests/test_r0-1.py::t2"),
    _check("r0-2", "r0-1", "not_applicable"),
)


def _result(checks: tuple[CrossCheckResult, ...] = CHECKS) -> RunResult:
    return RunResult(
        status="resolved",
        winner=Winner(rollout_id="r0-1", round=0),
        gates=(GateResult(rollout_id="r0-1", passed=True),),
        cross_checks=checks,
    )


def test_pr_body_says_how_the_winner_fared_and_lists_every_pair() -> None:
    body = render_pr_body(7, _result())
    assert "### Cross-checks" in body
    assert (
        "The winner passes 2 of 2 other finalists' new tests; 0 of 1 other finalists pass the "
        "winner's new tests (1 not applicable: both edited the same test file)." in body
    )
    assert "| `r0-1` (winner) | `r0-0` | passed |" in body
    assert (
        "| `r0-0` | `r0-1` | failed: tests/test_r0-1.py::test_even, tests/test_r0-1.py::t2 |"
        in body
    )
    assert "| `r0-2` | `r0-1` | not applicable |" in body
    # The part sits with the test evidence, before the account of the selection.
    assert body.index("### Cross-checks") < body.index("## How it was chosen")


def test_no_cross_checks_render_nothing() -> None:
    result = _result(())
    assert cross_sentence(result) == ""
    assert "Cross-checks" not in render_pr_body(7, result)
    assert "Cross-checks" not in render_check(result).text


def test_check_run_lists_the_pairs() -> None:
    text = render_check(_result()).text
    assert "Cross-checks (each finalist's patch against the other finalists' new tests" in text
    assert "| `r0-2` | `r0-1` | not applicable |" in text


def test_without_a_winner_the_sentence_counts_every_pair() -> None:
    result = _result((_check("r0-0", "r0-1", "failed", "t"), _check("r0-1", "r0-0", "error")))
    result = result.model_copy(update={"winner": None, "status": "unresolved"})
    assert cross_sentence(result) == "0 of 1 cross-checks passed (1 could not run)."


def test_summary_md_lists_the_cross_checks(tmp_path: Path) -> None:
    write_outputs(tmp_path, _result())
    summary = (tmp_path / "summary.md").read_text()
    assert "## Cross-checks" in summary and "The winner passes 2 of 2" in summary
    assert "- `r0-2` with tests from `r0-1`: not applicable" in summary
