"""`DockerTestRunner`: the engine's TestRunner, one fresh sandbox per test run."""

from __future__ import annotations

import shlex
import time
from collections.abc import Sequence
from pathlib import PurePosixPath

from pydantic import BaseModel, ConfigDict, Field

from app.testing.command import plain_command, run_script, tail
from app.testing.framework import RunNames
from app.testing.frameworks import framework_for
from app.testing.frameworks.junit_files import JUnitFiles
from app.testing.patches import added_test_files, restrict_patch
from app.testing.protocols import RunSandbox, SandboxOpener
from sandbox.builder import WORKSPACE
from scaling.canary import judge_canaries, judge_tally
from scaling.reports import ReportError
from scaling.testids import in_paths
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
    report: str | None = Field(
        default=None,
        description="JUnit XML files the command writes (path or glob in the repository), read "
        "when no known framework runs the command.",
    )
    holdout_command: str | None = Field(
        default=None,
        description="Runs the holdout tests, as written, when `command` with the holdout paths "
        "appended cannot (e.g. it deselects them).",
    )


class DockerTestRunner:
    """Runs the test command for baselines, gates, reproductions, cross-checks and holdout."""

    __test__ = False  # not a pytest class

    def __init__(self, plan: TestPlan, sandboxes: SandboxOpener) -> None:
        self.plan = plan
        self.sandboxes = sandboxes
        self._runs = 0

    def _next_seed(self) -> int:
        # Each run gets its own seed (AUTOFIX_TEST_SEED, PYTHONHASHSEED), taken in call order:
        # repeated baseline runs differ the way separate processes do, so hash-order-dependent
        # tests show up as flaky, and any run can be reproduced with the seed it had.
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

    async def holdout_baseline(self) -> TestRun | None:
        """The holdout on the unpatched code, reporting only the tests in the holdout paths."""
        if not self.plan.holdout:
            return None
        seed = self._next_seed()
        async with self.sandboxes("holdout-baseline", ()) as sb:
            run = await self._holdout_run(sb, seed)
        kept = {t: o for t, o in run.outcomes.items() if in_paths(t, self.plan.holdout)}
        return run.model_copy(update={"outcomes": kept})

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
            return await self._holdout_run(sb, seed)

    async def _holdout_run(self, sb: RunSandbox, seed: int) -> TestRun:
        command = self.plan.holdout_command
        if command is None:
            return await self._run(sb, self.plan.holdout, seed)
        return await self._run(sb, (), seed, command=command, near=self.plan.holdout)

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

    def _near(self, paths: Sequence[str]) -> str:
        """Where a run's canary tests go: beside the first selected test, else in the tests."""
        for path in (*paths, *self.plan.protected):
            pure = PurePosixPath(path)
            return str(pure.parent if pure.suffix else pure).removeprefix(".")
        return ""

    async def _run(
        self,
        sb: RunSandbox,
        paths: Sequence[str],
        seed: int,
        *,
        command: str | None = None,
        near: Sequence[str] = (),
    ) -> TestRun:
        """Run `command` (the test command) on `paths`; canaries go near `near` or `paths`."""
        command = command or self.plan.command
        # Absolute, so they still name the files when the command changes directory first
        # (`cd web && node --test`).
        selected = [f"{WORKSPACE}/{p.strip('/')}" for p in paths]
        framework = framework_for(command)
        if framework is None and self.plan.report:
            framework = JUnitFiles(self.plan.report)
        prepared = None
        if framework is not None:
            names = RunNames.fresh(WORKSPACE, near=self._near([*near, *paths]))
            prepared = framework.prepare(command, selected, names)
        script = run_script(plain_command(command, selected), seed, prepared)
        started = time.monotonic()
        result = await sb.exec(script, self.plan.timeout_s)
        duration = time.monotonic() - started
        run = TestRun(
            exit_code=result.exit_code,
            output_tail=tail(result.output),
            timed_out=result.timed_out,
            duration_s=duration,
        )
        if framework is None or prepared is None or result.timed_out:
            return run
        report = await sb.exec(f"cat -- {shlex.quote(prepared.report_path)}", 120)
        # No report (usage error, crash, early exit) or a cut one: nothing per test.
        if report.exit_code != 0 or report.truncated_bytes:
            return run
        try:
            outcomes = framework.parse(report.output)
        except ReportError:
            return run
        if prepared.canary is None:  # a report autofix cannot add canaries to
            return run.model_copy(update={"parsed": True, "outcomes": outcomes})
        judged = judge_canaries(
            outcomes,
            result.exit_code,
            prepared.canary,
            framework.tests_failed(result.exit_code),
            apart=prepared.canaries_apart,
        )
        if judged.unreadable is not None:  # the command failed: its report is no evidence
            return run.model_copy(update={"output_tail": f"{judged.unreadable}\n{run.output_tail}"})
        tally = prepared.canary.tally
        # Canaries run apart are not in the runner's own count.
        counted = judged.outcomes if prepared.canaries_apart else outcomes
        forged = (
            judged.forged
            or (tally and judge_tally(counted, result.output, tally, result.truncated_bytes))
            or None
        )
        return run.model_copy(
            update={
                "parsed": True,
                "outcomes": judged.outcomes,
                "exit_code": 1 if forged else judged.exit_code,
                "forged": forged,
            }
        )
