"""Classifies the unpatched repository's tests from repeated runs: passing, flaky, pre-existing."""

from __future__ import annotations

from collections.abc import Sequence

from scaling.result import BaselineRecord
from scaling.testrun import Outcome, TestRun

FAILING: frozenset[Outcome] = frozenset({"failed", "error"})
# Outcomes that mean the same thing for classification.
_CLASS: dict[Outcome, str] = {
    "passed": "pass",
    "xpassed": "pass",
    "failed": "fail",
    "error": "fail",
    "skipped": "skip",
    "xfailed": "skip",
}


def classify_baseline(runs: Sequence[TestRun]) -> BaselineRecord:
    """Flaky: the runs disagree or one lacks the test. Pre-existing: failing in every run."""
    parsed = bool(runs) and all(r.parsed and not r.timed_out for r in runs)
    exit_codes = tuple(r.exit_code for r in runs)
    if not parsed:
        return BaselineRecord(runs=len(runs), parsed=False, exit_codes=exit_codes)
    ids = sorted({test for r in runs for test in r.outcomes})
    passing: list[str] = []
    flaky: list[str] = []
    preexisting: list[str] = []
    skipped: list[str] = []
    for test in ids:
        seen = {_CLASS[o] if (o := r.outcomes.get(test)) else "missing" for r in runs}
        if len(seen) > 1 or seen == {"missing"}:
            flaky.append(test)
        elif seen == {"pass"}:
            passing.append(test)
        elif seen == {"fail"}:
            preexisting.append(test)
        else:
            skipped.append(test)
    return BaselineRecord(
        runs=len(runs),
        parsed=True,
        passing=tuple(passing),
        flaky=tuple(flaky),
        preexisting=tuple(preexisting),
        skipped=tuple(skipped),
        collected=min(len(r.outcomes) for r in runs),
        exit_codes=exit_codes,
    )
