"""Sizes a rollout cannot push into the worker: a diff far over the cap (recorded with the
reason, patch refused) and a guidance file of a gigabyte."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from app.agent import AgentLimits, AgentRolloutRunner
from app.agent.config import PromptOptions
from app.agent.prompt import read_guidance
from app.agent.runner import SandboxFactory
from app.llm.anthropic import AnthropicModel
from app.trajectory import EndRecord, read_trajectory
from scaling.issue import Issue
from scaling.rollout import RolloutRequest
from tests.agent.conftest import Events
from tests.fakes.anthropic_server import FakeAnthropic, bash, submit

pytestmark = [pytest.mark.docker]


async def test_a_rollout_writing_hundreds_of_mib_is_recorded_with_the_reason(
    fake_anthropic: FakeAnthropic,
    model: AnthropicModel,
    sandboxes: SandboxFactory,
    events: Events,
    tmp_path: Path,
) -> None:
    fake_anthropic.enqueue(
        bash("yes 'generated fixture line' | head -c 400M > calc/fixture.txt"), submit()
    )
    runner = AgentRolloutRunner(
        model, sandboxes, tmp_path / "trajectories", limits=AgentLimits(command_timeout_s=120)
    )
    request = RolloutRequest(rollout_id="r0-big", round=0, index=0)
    rollout = await runner.run(request, Issue(title="t", body="b", number=1), events)
    assert rollout.exit_status == "error" and rollout.patch == ""
    assert rollout.error is not None
    assert "patch rejected" in rollout.error and "AUTOFIX_MAX_PATCH_BYTES" in rollout.error
    assert "calc/fixture.txt" in rollout.error
    assert rollout.steps == 2, "the agent's work is recorded, not lost"
    end = read_trajectory(Path(str(rollout.trajectory_path)))[-1]
    assert isinstance(end, EndRecord) and end.error == rollout.error


async def test_a_gigabyte_guidance_file_never_reaches_the_worker_whole(
    sandboxes: SandboxFactory,
) -> None:
    options = PromptOptions()
    async with sandboxes("r0-guidance") as env:
        made = await env.exec("truncate -s 1G AGENTS.md && printf 'be brief' >> AGENTS.md", 60)
        assert made.exit_code == 0, made.output
        tracemalloc.start()
        try:
            guidance = await read_guidance(env, options)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 16 * 1024 * 1024, f"the worker held {peak >> 20} MiB of AGENTS.md"
    assert all(len(g.text) <= options.guidance_max_bytes for g in guidance)
