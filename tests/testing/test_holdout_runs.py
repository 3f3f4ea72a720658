"""The holdout in real sandboxes: a test command that deselects it, and the key that fixes it."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pytest

from app.testing import DockerSandboxes, DockerTestRunner, TestPlan
from sandbox.client import docker_client
from scaling.config import Budget, EngineConfig
from scaling.engine import Engine
from scaling.issue import Issue
from scaling.result import RunResult
from tests.fakes.example_repo import FIXED_MEDIAN, WRONG_MEDIAN, git, make_patch, make_repo
from tests.fakes.scaling import FakeRolloutRunner, FakeSummarizer, RecordingSink, marker_judge

pytestmark = pytest.mark.docker

ISSUE = Issue(title="median() is wrong for even-sized input", body="median([1, 2, 3, 4]) is 3")
# A natural command for a repository that keeps slow or special tests out of everyday runs.
DESELECTING = "python3 -m pytest -q tests --deselect tests/holdout"


async def solve(tmp_path: Path, plan: TestPlan, fixes: list[str]) -> RunResult:
    repo = make_repo(tmp_path)
    client = docker_client()
    try:
        sandboxes = DockerSandboxes(
            repo,
            git(repo, "rev-parse", "HEAD").strip(),
            image="autofix-sandbox:bookworm",
            holdout=plan.holdout,
            run_id=f"test-holdout-{secrets.token_hex(4)}",
            client=client,
        )
        patches = [make_patch(repo, {"calc/stats.py": fix}) for fix in fixes]
        engine = Engine(
            EngineConfig(rollouts=len(patches), rounds=1, budget=Budget(usd=None, wall_s=None)),
            FakeRolloutRunner.from_patches(patches),
            FakeSummarizer(),
            marker_judge("return ordered[middle]\n"),  # prefers neither: order decides
            DockerTestRunner(plan, sandboxes),
            RecordingSink(),
        )
        return await engine.run(ISSUE)
    finally:
        client.close()


def plan(command: str, holdout_command: str | None = None) -> Any:
    fields: dict[str, Any] = {
        "command": command,
        "holdout": ("tests/holdout",),
        "protected": ("tests",),
        "timeout_s": 120,
    }
    if holdout_command is not None:
        fields["holdout_command"] = holdout_command
    return TestPlan(**fields)


async def test_a_holdout_the_test_command_deselects_never_passes(tmp_path: Path) -> None:
    # The wrong fix passes every visible test; only the holdout would catch it.
    result = await solve(tmp_path, plan(DESELECTING), [WRONG_MEDIAN])
    assert result.winner is None and result.patch == ""
    assert result.status != "resolved"
    assert result.reason is not None and "tests.holdout_command" in result.reason


async def test_tests_holdout_command_runs_the_holdout_the_command_cannot(tmp_path: Path) -> None:
    holdout = "python3 -m pytest -q tests/holdout"
    result = await solve(tmp_path, plan(DESELECTING, holdout), [WRONG_MEDIAN, FIXED_MEDIAN])
    assert result.status == "resolved" and result.winner is not None
    assert result.winner.rollout_id == "r0-1"
    wrong = next(h for h in result.holdouts if h.rollout_id == "r0-0")
    assert not wrong.passed
    assert wrong.failures == (
        "tests/holdout/test_median_even.py::test_median_even_count_averages_the_middle_pair "
        "(failed)",
    )
