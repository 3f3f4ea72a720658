"""One sentence on the finalists' cross-checks, shared by the PR body, check run and summary.md."""

from __future__ import annotations

from scaling.result import CrossCheckResult, RunResult

# Outcomes that say something about the patch; not_applicable and error say nothing.
_DECIDED = ("passed", "failed")


def _passes(checks: list[CrossCheckResult]) -> str:
    decided = [c for c in checks if c.status in _DECIDED]
    passed = sum(1 for c in decided if c.status == "passed")
    return f"{passed} of {len(decided)}"


def cross_sentence(result: RunResult) -> str:
    """How the winner fared against the other finalists' new tests (and they against its)."""
    checks = list(result.cross_checks)
    if not checks:
        return ""
    winner = result.winner.rollout_id if result.winner else None
    own = [c for c in checks if c.candidate == winner]
    theirs = [c for c in checks if c.tests_from == winner]
    parts: list[str] = []
    if any(c.status in _DECIDED for c in own):
        parts.append(f"the winner passes {_passes(own)} other finalists' new tests")
    if any(c.status in _DECIDED for c in theirs):
        parts.append(f"{_passes(theirs)} other finalists pass the winner's new tests")
    if not parts:
        parts.append(f"{_passes(checks)} cross-checks passed")
    sentence = "; ".join(parts)
    inapplicable = sum(1 for c in checks if c.status == "not_applicable")
    errors = sum(1 for c in checks if c.status == "error")
    notes = (
        [f"{inapplicable} not applicable: both edited the same test file"] if inapplicable else []
    )
    notes += [f"{errors} could not run"] if errors else []
    if notes:
        sentence += f" ({'; '.join(notes)})"
    return sentence[0].upper() + sentence[1:] + "."


def cross_outcome(check: CrossCheckResult, limit: int = 3) -> str:
    """`passed`, or `failed: a, b, c and 2 more`, for one table cell."""
    label = check.status.replace("_", " ")
    if not check.failures:
        return label
    shown = ", ".join(check.failures[:limit])
    more = f" and {len(check.failures) - limit} more" if len(check.failures) > limit else ""
    return f"{label}: {shown}{more}"
