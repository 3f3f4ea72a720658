"""`tests.suites`: a repository with several test suites, each gating only what it covers.

Each suite has its own command, report and runner, so its own baseline (its tests are
classified from its own runs, and take the run's seeds in its own order). A patch is tested
by the suites whose paths it touches; a file that no suite claims (a shared config, the
build) could affect any of them, so then every suite runs. A suite a patch does not touch
contributes its last baseline run, unchanged, so its tests are neither missing nor newly
failing. Holdout runs and reproductions go to the suites that hold the test files.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatch

from app.testing.command import tail
from scaling.diff import parse_diff
from scaling.protocols import TestRunner
from scaling.reports.model import RANK
from scaling.testrun import Outcome, TestRun


@dataclass
class Suite:
    """One suite: the paths it covers (directories or globs) and its runner."""

    name: str
    paths: tuple[str, ...]
    runner: TestRunner
    last_baseline: TestRun | None = field(default=None, repr=False)

    def covers(self, path: str) -> bool:
        for pattern in self.paths:
            pattern = pattern.rstrip("/")
            if path == pattern or path.startswith(pattern + "/") or fnmatch(path, pattern):
                return True
        return False


def _merge(named: Sequence[tuple[str, TestRun]]) -> TestRun:
    """One run from the suites' runs: every outcome, the first failing exit code."""
    if len(named) == 1:
        return named[0][1]
    outcomes: dict[str, Outcome] = {}
    for _, run in named:
        for test, outcome in run.outcomes.items():
            previous = outcomes.get(test)
            if previous is None or RANK[outcome] > RANK[previous]:
                outcomes[test] = outcome
    runs = [run for _, run in named]
    return TestRun(
        exit_code=next((r.exit_code for r in runs if r.exit_code != 0), 0),
        outcomes=outcomes,
        parsed=all(r.parsed for r in runs),
        output_tail=tail("\n".join(f"[{name}]\n{run.output_tail}" for name, run in named)),
        timed_out=any(r.timed_out for r in runs),
        duration_s=sum(r.duration_s for r in runs),
        not_applicable=all(r.not_applicable for r in runs),
        forged=next((f"{n}: {r.forged}" for n, r in named if r.forged), None),
    )


class SuiteRunner:
    """The engine's TestRunner over several suites."""

    __test__ = False  # not a pytest class

    def __init__(self, suites: Sequence[Suite], holdout: Sequence[str] = ()) -> None:
        if not suites:
            raise ValueError("SuiteRunner needs at least one suite")
        self.suites = tuple(suites)
        self.holdout_paths = tuple(holdout)

    def _for_paths(self, paths: Sequence[str]) -> tuple[Suite, ...]:
        """The suites covering `paths`; all of them when some path is nobody's."""
        if not paths or any(not any(s.covers(p) for s in self.suites) for p in paths):
            return self.suites
        return tuple(s for s in self.suites if any(s.covers(p) for p in paths))

    def touched_by(self, patch: str) -> tuple[Suite, ...]:
        paths = sorted({p for f in parse_diff(patch) for p in (f.path, f.old_path) if p})
        return self._for_paths(paths)

    async def baseline(self) -> TestRun:
        runs = await asyncio.gather(*(s.runner.baseline() for s in self.suites))
        for suite, run in zip(self.suites, runs, strict=True):
            suite.last_baseline = run
        return _merge([(s.name, r) for s, r in zip(self.suites, runs, strict=True)])

    async def _with_untouched(self, touched: Sequence[Suite], runs: Sequence[TestRun]) -> TestRun:
        named = [(s.name, r) for s, r in zip(touched, runs, strict=True)]
        for suite in self.suites:
            if suite not in touched:
                if suite.last_baseline is None:
                    suite.last_baseline = await suite.runner.baseline()
                named.append((suite.name, suite.last_baseline))
        return _merge(named)

    async def candidate(self, patch: str) -> TestRun:
        touched = self.touched_by(patch)
        runs = await asyncio.gather(*(s.runner.candidate(patch) for s in touched))
        return await self._with_untouched(touched, runs)

    async def reproduction(self, patch: str, test_files: Sequence[str]) -> TestRun:
        suites = self._for_paths(test_files)
        runs = await asyncio.gather(*(s.runner.reproduction(patch, test_files) for s in suites))
        return _merge([(s.name, r) for s, r in zip(suites, runs, strict=True)])

    def _holdout_suites(self) -> tuple[Suite, ...]:
        return self._for_paths(self.holdout_paths)

    async def holdout_baseline(self) -> TestRun | None:
        suites = self._holdout_suites()
        runs = await asyncio.gather(*(s.runner.holdout_baseline() for s in suites))
        named = [(s.name, r) for s, r in zip(suites, runs, strict=True) if r is not None]
        return _merge(named) if named else None

    async def holdout(self, patch: str) -> TestRun:
        suites = self._holdout_suites()
        runs = await asyncio.gather(*(s.runner.holdout(patch) for s in suites))
        return _merge([(s.name, r) for s, r in zip(suites, runs, strict=True)])

    async def cross(self, patch: str, tests_patch: str, test_files: Sequence[str]) -> TestRun:
        suites = self._for_paths(test_files)
        runs = await asyncio.gather(
            *(s.runner.cross(patch, tests_patch, test_files) for s in suites)
        )
        return _merge([(s.name, r) for s, r in zip(suites, runs, strict=True)])
