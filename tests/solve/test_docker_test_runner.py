"""DockerTestRunner against real sandboxes on a copy of examples/calc."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.testing import DockerSandboxes, DockerTestRunner, restrict_patch
from sandbox.client import docker_client
from sandbox.pool import POOL_LABEL, SandboxPool
from scaling.config import EngineConfig
from tests.fakes.example_repo import (
    FIXED_MEDIAN,
    MORE_TESTS,
    NEW_TEST,
    WRONG_MEDIAN,
    make_patch,
    make_repo,
)
from tests.testing.example_runner import example_runner

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
    return example_runner(make_repo(tmp_path), client, "runner")


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


async def test_cross_runs_another_candidates_new_tests_on_top_of_a_patch(
    runner: DockerTestRunner,
) -> None:
    repo = runner.sandboxes.repo  # type: ignore[attr-defined]
    theirs_file = "tests/test_unsorted.py"
    theirs = make_patch(repo, {STATS: FIXED_MEDIAN, theirs_file: MORE_TESTS})
    ours = make_patch(repo, {STATS: FIXED_MEDIAN, "tests/test_even.py": NEW_TEST})
    wrong = make_patch(repo, {STATS: WRONG_MEDIAN})
    # Adds a module of the same name as theirs, so their tests cannot go on top of it.
    same_file = make_patch(repo, {STATS: FIXED_MEDIAN, theirs_file: NEW_TEST})
    passes, fails, clash = await asyncio.gather(
        runner.cross(ours, theirs, [theirs_file]),
        runner.cross(wrong, theirs, [theirs_file]),
        runner.cross(same_file, theirs, [theirs_file]),
    )
    unsorted = "tests/test_unsorted.py::test_median_even_unsorted"
    # Only their test module runs (not ours, not the maintainers'), on top of our fix.
    assert passes.parsed and passes.exit_code == 0 and passes.outcomes == {unsorted: "passed"}
    assert fails.parsed and fails.exit_code != 0 and fails.outcomes == {unsorted: "failed"}
    assert not passes.not_applicable and not fails.not_applicable
    assert clash.not_applicable and clash.outcomes == {} and clash.exit_code != 0
    assert "tests do not apply on top of this patch" in clash.output_tail


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


def pooled(client: Any, pool: SandboxPool | None) -> set[str]:
    """Containers (any state) the pool started, by label."""
    assert pool is not None
    found = client.api.containers(all=True, filters={"label": f"{POOL_LABEL}={pool.id}"})
    return {info["Id"] for info in found}


async def test_rollouts_come_fresh_from_a_pool_that_is_gone_after_the_run(
    runner: DockerTestRunner, client: Any
) -> None:
    sandboxes = runner.sandboxes
    assert isinstance(sandboxes, DockerSandboxes)
    async with sandboxes.pooled(EngineConfig(rollouts=2, rounds=2)):
        pool = sandboxes.pool
        assert pool is not None
        await pool.wait_filled()
        waiting = pooled(client, pool)
        async with sandboxes.rollout("r0") as first, sandboxes.rollout("r1") as second:
            await first.write_file("used.txt", "left behind")
            listing = (await second.exec("ls tests; test -e used.txt; echo $?")).output.split()
            round0 = {first.container_id, second.container_id}
            labels = client.api.inspect_container(first.container_id)["Config"]["Labels"]
        await pool.wait_filled()  # refilled for round 1 while round 0 ran
        async with sandboxes.rollout("r2") as third:
            probe = (await third.exec("test -e used.txt; echo $?")).output.split()
            assert third.container_id not in round0
        # One round-1 rollout is left, and one sandbox waits for it.
        assert pool.ready == 1 and len(pooled(client, pool)) == 1
    assert round0 == waiting and (sandboxes.warm_hits, sandboxes.cold_starts) == (3, 0)
    assert not pooled(client, pool), "the run's end removed every pooled sandbox"
    assert listing == ["test_stats.py", "1"] and probe == ["1"]  # holdout hidden, never reused
    assert labels["autofix.purpose"] == "rollout" and labels["autofix.run_id"] == sandboxes.run_id


async def test_a_cancelled_run_leaves_no_pooled_sandbox(
    runner: DockerTestRunner, client: Any
) -> None:
    sandboxes = runner.sandboxes
    assert isinstance(sandboxes, DockerSandboxes)
    in_use = asyncio.Event()

    async def run() -> None:
        # The rollout's sandbox is asked for once the pool is open (the with items run in order).
        async with sandboxes.pooled(EngineConfig(rollouts=2, rounds=1)), sandboxes.rollout("r0"):
            in_use.set()
            await asyncio.Event().wait()

    task = asyncio.create_task(run())
    await in_use.wait()
    assert sandboxes.pool is not None
    await sandboxes.pool.wait_filled()
    before = pooled(client, sandboxes.pool)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert len(before) == 2, "one sandbox in use, one waiting for the next rollout"
    assert not pooled(client, sandboxes.pool)


def test_restrict_patch_keeps_only_the_named_files(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    patch = make_patch(repo, {STATS: FIXED_MEDIAN, "tests/test_even.py": NEW_TEST})
    only = restrict_patch(patch, ["tests/test_even.py"])
    assert "tests/test_even.py" in only and STATS not in only
    assert only.startswith("diff --git a/tests/test_even.py")
