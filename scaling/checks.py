"""Runs the test-based checks through the TestRunner: the baseline and the gates."""

from __future__ import annotations

import asyncio

from scaling.baseline import classify_baseline
from scaling.candidates import Candidate
from scaling.diff import changed_test_files
from scaling.events import BaselineDone, GateDecided
from scaling.gate import decide_gate, reproduction_verdict
from scaling.protocols import TestRunner
from scaling.result import BaselineRecord, GateResult
from scaling.state import RunState
from scaling.tamper import tamper_flags


class Checks:
    """Baseline once per run, a gate per distinct patch."""

    def __init__(self, tests: TestRunner, state: RunState, baseline_runs: int) -> None:
        self.tests = tests
        self.state = state
        self.baseline_runs = baseline_runs
        # Gate results by patch identity, so a patch repeated in a later round is not re-run.
        self._gates: dict[str, GateResult] = {}

    async def baseline(self) -> BaselineRecord:
        runs = await asyncio.gather(*(self.tests.baseline() for _ in range(self.baseline_runs)))
        forged = next((r.forged for r in runs if r.forged), None)
        if forged is not None:
            raise ValueError(
                f"its result is not authentic ({forged}); something in the repository's test "
                "setup changes test outcomes or the report: check `tests.command`"
            )
        record = classify_baseline(runs)
        self.state.baseline = record
        self.state.emit(
            BaselineDone(
                runs=record.runs,
                parsed=record.parsed,
                passing=len(record.passing),
                flaky=list(record.flaky),
                preexisting=list(record.preexisting),
            )
        )
        return record

    async def gate(self, candidate: Candidate, baseline: BaselineRecord) -> GateResult:
        cached = self._gates.get(candidate.key)
        if cached is not None:
            result = cached.model_copy(update={"rollout_id": candidate.id})
        else:
            result = await self._gate(candidate, baseline)
            self._gates[candidate.key] = result
        self.state.gates[candidate.id] = result
        self.state.emit(
            GateDecided(
                rollout_id=candidate.id,
                passed=result.passed,
                reasons=list(result.reasons),
                tamper=list(result.tamper),
                reproduced=result.reproduced,
            )
        )
        return result

    async def _gate(self, candidate: Candidate, baseline: BaselineRecord) -> GateResult:
        try:
            run = await self.tests.candidate(candidate.patch)
        except Exception as exc:  # a broken sandbox fails this candidate, not the run
            return GateResult(
                rollout_id=candidate.id, passed=False, reasons=(f"test run failed: {exc}",)
            )
        flags = tamper_flags(candidate.files, baseline, run)
        result = decide_gate(candidate.id, candidate.files, baseline, run, None, flags)
        test_files = changed_test_files(candidate.files)
        if result.passed and test_files:
            try:
                again = await self.tests.reproduction(candidate.patch, test_files)
            except Exception:  # reproduction is only evidence; without it, there is none
                return result
            if again.forged:
                return result.model_copy(
                    update={
                        "passed": False,
                        "reasons": ("tampering with tests or the test runner",),
                        "tamper": (f"forged test result in the reproduction: {again.forged}",),
                    }
                )
            verdict = reproduction_verdict(test_files, run, again)
            result = result.model_copy(update={"reproduced": verdict})
        return result
