"""A rollout that produces a diff far over the cap is recorded with the reason, patch refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.agent import AgentLimits, AgentRolloutRunner
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
