"""The status comment says why the holdout turned a candidate down."""

from __future__ import annotations

from app.status.outcome import explain_outcome
from scaling.result import GateResult, HoldoutResult, RunResult


def test_a_failed_holdout_is_explained_with_its_reason() -> None:
    result = RunResult(
        status="unresolved",
        gates=(GateResult(rollout_id="r0-0", passed=True),),
        holdouts=(
            HoldoutResult(
                rollout_id="r0-0",
                passed=False,
                reason="holdout tests did not all pass: tests/holdout/test_x.py::t (missing)",
            ),
        ),
    )
    why, advice = explain_outcome(result)
    assert why == (
        "Candidates passed their gates but none passed the holdout tests. The first checked "
        "(r0-0): holdout tests did not all pass: tests/holdout/test_x.py::t (missing)."
    )
    assert advice
