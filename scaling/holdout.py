"""The holdout check: tests no rollout saw, run on a selected candidate before it may win.

Which tests make up the holdout is learned once per run, by running the holdout on the
unpatched code (where they are expected to fail). A candidate passes only if its run reports
every one of them, each passed, and nothing else failed: a run that skips, deselects or loses
some of them never passes, and neither does a holdout that runs no test at all.
"""

from __future__ import annotations

from collections.abc import Sequence

from scaling.baseline import FAILING
from scaling.candidates import Candidate
from scaling.events import HoldoutDecided
from scaling.protocols import TestRunner
from scaling.result import HoldoutResult
from scaling.state import RunState
from scaling.testrun import TestRun

_MAX_LISTED = 20
NO_HOLDOUT_TESTS = (
    "the holdout run on the unpatched code ran no test from the holdout paths: the test "
    "command probably ignores or deselects them (`--ignore`, `--deselect`, `-k`, `testpaths`); "
    "set `tests.holdout_command` to a command that runs them, or change `tests.command`"
)


class HoldoutTests:
    """The holdout's test ids, learned on the unpatched code."""

    def __init__(self, run: TestRun) -> None:
        if run.forged:
            raise ValueError(
                f"the holdout run on the unpatched code is not authentic: {run.forged}"
            )
        if run.parsed and not run.outcomes:
            raise ValueError(NO_HOLDOUT_TESTS)
        self.parsed = run.parsed
        self.ids = tuple(sorted(run.outcomes))


def _listed(tests: Sequence[str]) -> str:
    more = f" and {len(tests) - _MAX_LISTED} more" if len(tests) > _MAX_LISTED else ""
    return ", ".join(tests[:_MAX_LISTED]) + more


def holdout_verdict(candidate_id: str, run: TestRun, learned: HoldoutTests | None) -> HoldoutResult:
    """Passed: every learned holdout test reported and passed, nothing else failed, exit 0."""

    def result(passed: bool, reason: str = "", failures: Sequence[str] = ()) -> HoldoutResult:
        return HoldoutResult(
            rollout_id=candidate_id,
            passed=passed,
            failures=tuple(failures),
            exit_code=run.exit_code,
            reason=reason,
        )

    failing = sorted(t for t, o in run.outcomes.items() if o in FAILING)
    if run.forged:
        return result(False, f"forged test result: {run.forged}", failing)
    if run.timed_out:
        return result(False, "the holdout run timed out", failing)
    if learned is not None and learned.parsed:
        if not run.parsed:
            return result(False, f"the holdout run wrote no readable report (exit {run.exit_code})")
        missing = [f"{t} (missing)" for t in learned.ids if t not in run.outcomes]
        unpassed = [
            f"{t} ({run.outcomes[t]})"
            for t in learned.ids
            if run.outcomes.get(t) not in (None, "passed")
        ]
        others = [f"{t} ({run.outcomes[t]})" for t in failing if t not in learned.ids]
        bad = [*unpassed, *missing, *others]
        if bad:
            return result(False, "holdout tests did not all pass: " + _listed(bad), bad)
    elif failing:
        return result(False, "tests failed: " + _listed(failing), failing)
    if run.exit_code != 0:
        return result(False, f"the holdout run exited with {run.exit_code}", failing)
    return result(True)


class HoldoutChecks:
    """Learns the holdout's tests once, then checks selected candidates against them."""

    def __init__(self, tests: TestRunner, state: RunState) -> None:
        self.tests = tests
        self.state = state
        self.learned: HoldoutTests | None = None

    async def learn(self) -> None:
        """Run the holdout on the unpatched code; raises when it cannot check anything."""
        run = await self.tests.holdout_baseline()
        self.learned = HoldoutTests(run) if run is not None else None

    async def check(self, candidate: Candidate) -> HoldoutResult:
        try:
            run = await self.tests.holdout(candidate.patch)
            result = holdout_verdict(candidate.id, run, self.learned)
        except Exception as exc:  # cannot check it, so it cannot win
            result = HoldoutResult(
                rollout_id=candidate.id,
                passed=False,
                failures=(str(exc),),
                reason=f"the holdout run failed: {exc}",
            )
        self.state.holdouts.append(result)
        self.state.emit(HoldoutDecided(rollout_id=candidate.id, passed=result.passed))
        return result
