"""Several test suites: a patch is gated by the suites it touches, each on its own baseline."""

from __future__ import annotations

from app.testing.suites import Suite, SuiteRunner
from scaling.baseline import classify_baseline
from scaling.testrun import TestRun
from tests.fakes.scaling import FakeTestRunner, make_patch, make_run

API = make_run({"backend/tests/test_api.py::test_get": "passed"})
UI = make_run({"web/test/app.test.js > renders": "passed"})
UI_PATCH = make_patch("web/src/app.js", ["export const x = 2;"], ["export const x = 1;"])
API_PATCH = make_patch("backend/app/api.py", ["x = 2"], ["x = 1"])
SHARED_PATCH = make_patch("Makefile", ["all: x"], ["all:"])


def suites() -> tuple[SuiteRunner, FakeTestRunner, FakeTestRunner]:
    backend = FakeTestRunner(baselines=[API])
    frontend = FakeTestRunner(
        baselines=[UI],
        candidates={UI_PATCH: make_run({"web/test/app.test.js > renders": "failed"})},
    )
    runner = SuiteRunner(
        [Suite("backend", ("backend",), backend), Suite("frontend", ("web/**",), frontend)],
        holdout=("web/test/holdout",),
    )
    return runner, backend, frontend


def ran(fake: FakeTestRunner, kind: str) -> int:
    return sum(1 for call, _ in fake.calls if call == kind)


async def test_baseline_runs_every_suite_and_keeps_their_tests_apart() -> None:
    runner, backend, frontend = suites()
    record = classify_baseline([await runner.baseline(), await runner.baseline()])
    assert set(record.passing) == {
        "backend/tests/test_api.py::test_get",
        "web/test/app.test.js > renders",
    }
    assert ran(backend, "baseline") == ran(frontend, "baseline") == 2


async def test_a_frontend_patch_runs_the_frontend_suite_alone() -> None:
    runner, backend, frontend = suites()
    await runner.baseline()
    run = await runner.candidate(UI_PATCH)
    assert ran(backend, "candidate") == 0 and ran(frontend, "candidate") == 1
    # The untouched backend contributes its baseline: nothing of it is missing.
    assert run.outcomes == {
        "backend/tests/test_api.py::test_get": "passed",
        "web/test/app.test.js > renders": "failed",
    }
    assert run.exit_code == 1


async def test_a_file_no_suite_claims_runs_every_suite() -> None:
    runner, backend, frontend = suites()
    await runner.baseline()
    await runner.candidate(SHARED_PATCH)
    assert ran(backend, "candidate") == ran(frontend, "candidate") == 1
    await runner.candidate(API_PATCH)
    assert ran(backend, "candidate") == 2 and ran(frontend, "candidate") == 1


async def test_holdout_and_reproduction_go_to_the_suites_holding_the_files() -> None:
    runner, backend, frontend = suites()
    await runner.holdout(UI_PATCH)
    await runner.reproduction(API_PATCH, ["backend/tests/test_new.py"])
    assert ran(frontend, "holdout") == 1 and ran(backend, "holdout") == 0
    assert ran(backend, "reproduction") == 1 and ran(frontend, "reproduction") == 0


async def test_a_forged_suite_run_forges_the_whole_run() -> None:
    backend = FakeTestRunner(
        baselines=[API], candidates={SHARED_PATCH: TestRun(exit_code=0, forged="canary passed")}
    )
    frontend = FakeTestRunner(baselines=[UI])
    runner = SuiteRunner([Suite("b", ("backend",), backend), Suite("f", ("web",), frontend)])
    run = await runner.candidate(SHARED_PATCH)
    assert run.forged == "b: canary passed"
    assert not run.parsed
