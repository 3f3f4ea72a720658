"""Finalists' cross-checks: each finalist's patch against the other finalists' new tests.

Evidence only: results are recorded and shown to maintainers, never used to pick the winner.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from scaling.baseline import FAILING
from scaling.candidates import Candidate
from scaling.config import Estimate
from scaling.diff import changed_test_files
from scaling.events import CrossChecked, CrossStatus
from scaling.ledger import total_estimate
from scaling.protocols import TestRunner
from scaling.result import BaselineRecord, CrossCheckResult
from scaling.state import RunState
from scaling.testrun import TestRun

_DETAIL_CHARS = 500


def cross_verdict(
    candidate: str,
    tests_from: str,
    test_files: Sequence[str],
    run: TestRun,
    baseline: BaselineRecord | None,
) -> CrossCheckResult:
    """Failed only by tests that fail here but were neither flaky nor failing before the fix."""

    def result(
        status: CrossStatus, failures: Sequence[str] = (), detail: str = ""
    ) -> CrossCheckResult:
        return CrossCheckResult(
            candidate=candidate,
            tests_from=tests_from,
            status=status,
            failures=tuple(failures),
            test_files=tuple(test_files),
            detail=detail[:_DETAIL_CHARS],
        )

    if run.not_applicable:
        return result("not_applicable", detail=run.output_tail)
    if run.forged:
        return result("failed", detail=f"forged test result: {run.forged}")
    if run.timed_out:
        return result("failed", detail="the test command timed out")
    if not run.parsed:
        if baseline is not None and baseline.parsed:
            return result(
                "failed", detail=f"no readable report (exit code {run.exit_code}), unlike before"
            )
        if run.exit_code == 0:
            return result("passed")
        return result("failed", detail=f"the test command exited with {run.exit_code}")
    ignored = {*baseline.flaky, *baseline.preexisting} if baseline is not None else set()
    failures = sorted(t for t, o in run.outcomes.items() if o in FAILING and t not in ignored)
    if failures:
        return result("failed", failures)
    if not run.outcomes:
        return result("error", detail=f"no test ran (exit code {run.exit_code})")
    return result("passed")


class CrossChecks:
    """Runs, for every ordered pair of finalists (A, B), B's new tests against A's patch."""

    def __init__(self, tests: TestRunner, state: RunState, test_run: Estimate) -> None:
        self.tests = tests
        self.state = state
        # A batch runs concurrently, so it takes about one test run; it must still leave room
        # for the holdout run after it, which is what decides the winner.
        self.estimate = total_estimate(test_run, test_run)
        # By patch identities, so a pair repeated in a later round is not run again.
        self._done: dict[tuple[str, str], CrossCheckResult] = {}

    async def check(self, finalists: Sequence[Candidate]) -> list[CrossCheckResult]:
        """Every pair whose second member added or changed tests; nothing below two finalists."""
        pairs = [
            (a, b, tuple(files))
            for b in finalists
            if (files := changed_test_files(b.files))
            for a in finalists
            if a is not b
        ]
        results = await asyncio.gather(*(self._pair(a, b, files) for a, b, files in pairs))
        done = [r for r in results if r is not None]
        self.state.cross_checks.extend(done)  # in pair order, whatever order they finished in
        return done

    async def _pair(
        self, a: Candidate, b: Candidate, files: tuple[str, ...]
    ) -> CrossCheckResult | None:
        cached = self._done.get((a.key, b.key))
        if cached is not None:
            result = cached.model_copy(update={"candidate": a.id, "tests_from": b.id})
        else:
            # Budgets fail closed, as for the holdout: a check the budget cannot cover is skipped.
            why = self.state.ledger.refusal(self.estimate)
            if why is not None:
                self.state.skip(f"cross-check of {a.id} with tests from {b.id}", why)
                return None
            try:
                run = await self.tests.cross(a.patch, b.patch, files)
            except Exception as exc:  # evidence only: a broken sandbox is recorded, not raised
                result = CrossCheckResult(
                    candidate=a.id,
                    tests_from=b.id,
                    status="error",
                    test_files=files,
                    detail=f"the test run failed: {exc}"[:_DETAIL_CHARS],
                )
            else:
                result = cross_verdict(a.id, b.id, files, run, self.state.baseline)
                self._done[(a.key, b.key)] = result
        self.state.emit(
            CrossChecked(
                rollout_id=a.id,
                tests_from=b.id,
                status=result.status,
                failures=list(result.failures),
            )
        )
        return result
