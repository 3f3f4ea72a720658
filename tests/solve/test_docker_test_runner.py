"""DockerTestRunner against real sandboxes on a copy of examples/calc."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.testing import DockerSandboxes, DockerTestRunner, TestPlan, restrict_patch
from sandbox.client import docker_client
from tests.fakes.example_repo import (
    FIXED_MEDIAN,
    NEW_TEST,
    WRONG_MEDIAN,
    git,
    make_patch,
    make_repo,
)

pytestmark = pytest.mark.docker

STATS = "calc/stats.py"
VISIBLE = {
    "tests/test_stats.py::test_mean",
    "tests/test_stats.py::test_median_odd",
    "tests/test_stats.py::test_median_empty",
}
HOLDOUT = "tests/holdout/test_median_even.py::test_median_even_count_averages_the_middle_pair"


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    client = docker_client()
    yield client
    client.close()


@pytest.fixture
def runner(tmp_path: Path, client: Any) -> DockerTestRunner:
    repo = make_repo(tmp_path)
    sandboxes = DockerSandboxes(
        repo,
        git(repo, "rev-parse", "HEAD").strip(),
        image="autofix-sandbox:bookworm",
        holdout=("tests/holdout",),
        run_id=f"test-runner-{secrets.token_hex(4)}",
        client=client,
    )
    plan = TestPlan(
        command="python3 -m pytest -q",
        holdout=("tests/holdout",),
        protected=("tests",),
        timeout_s=120,
    )
    return DockerTestRunner(plan, sandboxes)


async def test_baseline_candidate_reproduction_and_holdout(runner: DockerTestRunner) -> None:
    repo = runner.sandboxes.repo  # type: ignore[attr-defined]
    weakened = (repo / "tests/test_stats.py").read_text().replace("== 2.5", "== 3")
    fix = make_patch(
        repo, {STATS: FIXED_MEDIAN, "tests/test_even.py": NEW_TEST, "tests/test_stats.py": weakened}
    )
    wrong = make_patch(repo, {STATS: WRONG_MEDIAN})
    baseline, candidate, reproduction, holdout_ok, holdout_wrong = await asyncio.gather(
        runner.baseline(),
        runner.candidate(fix),
        runner.reproduction(fix, ["tests/test_even.py"]),
        runner.holdout(fix),
        runner.holdout(wrong),
    )

    # Baseline: per-test outcomes from JUnit, holdout tests hidden.
    assert baseline.parsed and baseline.exit_code == 0
    assert baseline.outcomes == dict.fromkeys(VISIBLE, "passed")

    # Candidate: the maintainers' file is back to base (its edit undone), the new test runs.
    assert candidate.parsed and candidate.exit_code == 0
    assert candidate.outcomes == {
        **dict.fromkeys(VISIBLE, "passed"),
        "tests/test_even.py::test_median_even_count": "passed",
    }

    # Reproduction: only the new test, on unpatched code, where it fails.
    assert reproduction.parsed
    assert reproduction.outcomes == {"tests/test_even.py::test_median_even_count": "failed"}

    # Holdout: only the holdout tests run; the right fix passes them, the wrong one does not.
    assert holdout_ok.outcomes == {HOLDOUT: "passed"} and holdout_ok.exit_code == 0
    assert holdout_wrong.outcomes == {HOLDOUT: "failed"} and holdout_wrong.exit_code != 0


async def test_a_patch_that_does_not_apply_is_a_failed_run(runner: DockerTestRunner) -> None:
    bad = make_patch(runner.sandboxes.repo, {STATS: FIXED_MEDIAN})  # type: ignore[attr-defined]
    bad = bad.replace("    middle = len(ordered) // 2", "    middle = len(values) // 3")
    run = await runner.candidate(bad)
    assert run.exit_code != 0 and not run.parsed and run.outcomes == {}
    assert "does not apply" in run.output_tail


async def test_a_command_that_is_not_pytest_is_judged_by_exit_code(
    runner: DockerTestRunner,
) -> None:
    runner.plan = runner.plan.model_copy(update={"command": "python3 -c 'import calc' && false"})
    run = await runner.baseline()
    assert not run.parsed and run.exit_code == 1 and run.outcomes == {}


def test_restrict_patch_keeps_only_the_named_files(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    patch = make_patch(repo, {STATS: FIXED_MEDIAN, "tests/test_even.py": NEW_TEST})
    only = restrict_patch(patch, ["tests/test_even.py"])
    assert "tests/test_even.py" in only and STATS not in only
    assert only.startswith("diff --git a/tests/test_even.py")
