"""Decides whether a candidate's test run clears the flaky-aware baseline."""

from __future__ import annotations

from collections.abc import Sequence

from scaling.baseline import FAILING
from scaling.diff import FileDiff, changes_code, diff_size
from scaling.result import BaselineRecord, GateResult
from scaling.testids import in_paths
from scaling.testrun import TestRun

_MAX_LISTED = 20


def module_of(test_id: str) -> str:
    """The module a pytest node id lives in."""
    return test_id.split("::", 1)[0]


def reproduction_verdict(
    test_files: Sequence[str], run: TestRun, reproduction: TestRun | None
) -> bool | None:
    """True when the patch's tests fail on unpatched code and pass with the patch."""
    if not test_files or reproduction is None:
        return None
    # A Go test file's tests are reported under its package, a JS file's under the file.
    relevant = [t for t in run.outcomes if in_paths(t, test_files)]
    if run.parsed:
        if not relevant:
            return None
        passes_with_patch = all(run.outcomes[t] == "passed" for t in relevant)
    else:
        passes_with_patch = run.exit_code == 0
    if reproduction.parsed and relevant:
        fails_without = any(reproduction.outcomes.get(t) != "passed" for t in relevant)
    else:
        fails_without = reproduction.exit_code != 0
    return passes_with_patch and fails_without


def _listed(label: str, tests: Sequence[str]) -> str:
    shown = ", ".join(tests[:_MAX_LISTED])
    more = f" and {len(tests) - _MAX_LISTED} more" if len(tests) > _MAX_LISTED else ""
    return f"{label}: {shown}{more}"


def decide_gate(
    rollout_id: str,
    files: list[FileDiff],
    baseline: BaselineRecord,
    run: TestRun,
    reproduced: bool | None,
    tamper: Sequence[str],
) -> GateResult:
    """Pass: no baseline-passing test regresses, new tests pass, code changes, nothing tampered."""
    reasons: list[str] = []
    new_failures: list[str] = []
    new_tests: list[str] = []
    flaky = set(baseline.flaky)
    if not changes_code(files):
        reasons.append("the patch changes no code outside tests and documentation")
    if run.timed_out:
        reasons.append("the test command timed out")
    failing = sum(1 for t, o in run.outcomes.items() if o in FAILING and t not in flaky)
    if baseline.parsed and run.parsed:
        for test in baseline.passing:
            outcome = run.outcomes.get(test, "missing")
            if outcome != "passed" and outcome != "xpassed":
                new_failures.append(f"{test} ({outcome})")
        # Every test the baseline reported must be reported again: a missing one is a failure,
        # never a smaller denominator.
        missing = [t for t in (*baseline.preexisting, *baseline.skipped) if t not in run.outcomes]
        known = {*baseline.passing, *flaky, *baseline.preexisting, *baseline.skipped}
        new_tests = sorted(t for t in run.outcomes if t not in known)
        broken = [t for t in new_tests if run.outcomes[t] != "passed"]
        if new_failures:
            reasons.append(_listed("tests that passed before now fail", new_failures))
        if missing:
            reasons.append(_listed("tests the unpatched code reported are missing", missing))
            failing += len(missing)
        if broken:
            reasons.append(_listed("new tests do not pass", broken))
    elif baseline.parsed and not run.timed_out:
        reasons.append(
            f"the test command wrote no readable report (exit code {run.exit_code}), "
            "although it did on the unpatched code"
        )
        failing = max(failing, 1)
    elif run.exit_code != 0:
        reasons.append(f"the test command exited with {run.exit_code} (no per-test report)")
        failing = max(failing, 1)
    if tamper:
        reasons.append("tampering with tests or the test runner")
    return GateResult(
        rollout_id=rollout_id,
        passed=not reasons,
        reasons=tuple(reasons),
        tamper=tuple(tamper),
        new_failures=tuple(new_failures),
        new_tests=tuple(new_tests),
        reproduced=reproduced,
        failing=failing,
        diff_lines=diff_size(files),
    )
