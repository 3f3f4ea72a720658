"""Why a run proposed nothing, and what a maintainer can try next."""

from __future__ import annotations

from scaling.result import RunResult


def explain_outcome(result: RunResult) -> tuple[str, list[str]]:
    """A one-line account of the outcome and concrete next steps."""
    if result.status == "resolved":
        return "A candidate passed its gate and the holdout check.", []
    if result.status == "error":
        return (
            f"The run failed: {result.error or 'an internal error'}.",
            ["Comment `/autofix retry` to start again; if it repeats, check the worker logs."],
        )
    advice: list[str] = []
    gates = list(result.gates)
    passed = [g for g in gates if g.passed]
    if not result.rollouts and not gates:
        why = "No rollout ran."
    elif not gates:
        why = "No rollout produced a patch that could be tested."
        advice.append(
            "Make the issue more specific: name the failing call and the expected result."
        )
    elif not passed:
        why = f"None of the {len(gates)} candidates passed its test gate."
        reasons = sorted({r for g in gates for r in (*g.reasons, *g.tamper)})
        if reasons:
            why += " Reasons: " + "; ".join(reasons[:5]) + "."
        advice.append("Check that `tests.command` in `.github/autofix.yml` runs the right tests.")
    else:
        why = "Candidates passed their gates but none passed the holdout tests."
        first = next((h for h in result.holdouts if h.reason), None)
        if first is not None:
            why += f" The first checked ({first.rollout_id}): {first.reason}."
        advice.append("Look at the holdout tests: they may test more than the issue asks.")
    if result.skipped:
        why += " Budget stopped: " + "; ".join(s.what for s in result.skipped[:3]) + "."
        advice.append("Raise `budget.usd` (or `budget.steps`) in `.github/autofix.yml`.")
    advice.append("Add detail to the issue, then comment `/autofix retry`.")
    return why, advice
