"""`DockerTestRunner`: the engine's TestRunner, one fresh sandbox per test run."""

from __future__ import annotations

import time
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from app.testing.command import JUNIT_PATH, command_line, is_pytest, tail
from app.testing.patches import added_test_files, restrict_patch
from app.testing.protocols import RunSandbox, SandboxOpener
from scaling.junit import JUnitError, parse_junit
from scaling.testrun import TestRun

_NOT_BASE = "the patch does not apply to the base commit"
_NOT_ON_TOP = "the other candidate's tests do not apply on top of this patch"


class TestPlan(BaseModel):
    """How a repository's tests are run and which paths are special."""

    __test__ = False  # not a pytest class
    model_config = ConfigDict(frozen=True, extra="forbid")

    command: str = Field(description="Test command, run from the repository root.")
    holdout: tuple[str, ...] = Field(default=(), description="Hidden except for holdout runs.")
    protected: tuple[str, ...] = Field(default=(), description="Reset to base before gating.")
    timeout_s: float = Field(default=900.0, gt=0, description="Seconds one run may take.")


class DockerTestRunner:
    """Runs the test command for baselines, gates, reproductions, cross-checks and holdout."""

    __test__ = False  # not a pytest class

    def __init__(self, plan: TestPlan, sandboxes: SandboxOpener) -> None:
        self.plan = plan
        self.sandboxes = sandboxes
        self._runs = 0

    def _next_seed(self) -> int:
        # Each run gets its own PYTHONHASHSEED, taken in call order: repeated baseline runs
        # differ the way separate processes do, so hash-order-dependent tests show up as
        # flaky, and any run can be reproduced with the seed it had.
        self._runs += 1
        return self._runs

    async def baseline(self) -> TestRun:
        seed = self._next_seed()
        async with self.sandboxes("baseline", self.plan.holdout) as sb:
            return await self._run(sb, (), seed)

    async def candidate(self, patch: str) -> TestRun:
        seed = self._next_seed()
        async with self.sandboxes("candidate", self.plan.holdout) as sb:
            failed = await self._apply(sb, patch)
            if failed is not None:
                return failed
            await self._reset_protected(sb, patch)
            return await self._run(sb, (), seed)

    async def reproduction(self, patch: str, test_files: Sequence[str]) -> TestRun:
        if not test_files:
            return TestRun(exit_code=0, parsed=True, output_tail="no test files to reproduce with")
        seed = self._next_seed()
        async with self.sandboxes("reproduction", self.plan.holdout) as sb:
            failed = await self._apply(sb, patch, only=test_files)
            if failed is not None:
                return failed
            return await self._run(sb, test_files, seed)

    async def holdout(self, patch: str) -> TestRun:
        if not self.plan.holdout:
            return TestRun(exit_code=0, parsed=True, output_tail="no holdout paths configured")
        seed = self._next_seed()
        async with self.sandboxes("holdout", ()) as sb:
            failed = await self._apply(sb, patch)
            if failed is not None:
                return failed
            if self.plan.protected:
                await sb.reset_paths(self.plan.protected)
            return await self._run(sb, self.plan.holdout, seed)

    async def cross(self, patch: str, tests_patch: str, test_files: Sequence[str]) -> TestRun:
        """Set up as for a gate, add another candidate's changes to `test_files`, run those."""
        if not test_files:
            return TestRun(exit_code=0, parsed=True, output_tail="no test files to cross-check")
        seed = self._next_seed()
        async with self.sandboxes("cross", self.plan.holdout) as sb:
            failed = await self._apply(sb, patch)
            if failed is not None:
                return failed
            await self._reset_protected(sb, patch)
            clash = await self._apply(sb, tests_patch, only=test_files, what=_NOT_ON_TOP)
            if clash is not None:  # both edited the same test file: no evidence either way
                return clash.model_copy(update={"not_applicable": True})
            return await self._run(sb, test_files, seed)

    async def _reset_protected(self, sb: RunSandbox, patch: str) -> None:
        """Maintainers' tests back to base; test modules the candidate added stay."""
        if not self.plan.protected:
            return
        await sb.reset_paths(self.plan.protected)
        added = added_test_files(patch, self.plan.protected)
        if added:
            await sb.apply(restrict_patch(patch, added))

    async def _apply(
        self, sb: RunSandbox, patch: str, only: Sequence[str] = (), what: str = _NOT_BASE
    ) -> TestRun | None:
        """Apply the patch (or only its changes to `only`); a failure becomes a failed run."""
        if only:
            patch = restrict_patch(patch, only)
        if not patch.strip():
            return None
        result = await sb.apply(patch)
        if result.exit_code == 0:
            return None
        return TestRun(
            exit_code=result.exit_code or 1,
            output_tail=f"{what}:\n" + tail(result.output),
        )

    async def _run(self, sb: RunSandbox, paths: Sequence[str], seed: int) -> TestRun:
        command = f"export PYTHONHASHSEED={seed}; " + command_line(self.plan.command, paths)
        started = time.monotonic()
        result = await sb.exec(command, self.plan.timeout_s)
        duration = time.monotonic() - started
        outcomes = {}
        parsed = False
        if is_pytest(self.plan.command) and not result.timed_out:
            report = await sb.exec(f"cat {JUNIT_PATH}", 120)
            # No report (usage error, crash) or a cut one: judged by the exit code alone.
            if report.exit_code == 0 and not report.truncated_bytes:
                try:
                    outcomes, parsed = parse_junit(report.output), True
                except JUnitError:
                    parsed = False
        return TestRun(
            exit_code=result.exit_code,
            outcomes=outcomes,
            parsed=parsed,
            output_tail=tail(result.output),
            timed_out=result.timed_out,
            duration_s=duration,
        )
