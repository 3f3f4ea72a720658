"""Every limit ends a rollout with its own exit status."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.agent import AgentLimits, AgentRolloutRunner
from app.agent.runner import SandboxFactory
from app.llm.anthropic import AnthropicModel
from app.trajectory import EndRecord, StepRecord, read_trajectory
from scaling.issue import Issue
from scaling.rollout import Rollout, RolloutRequest
from tests.agent.conftest import Events
from tests.fakes.anthropic_server import (
    FakeAnthropic,
    FakeMessage,
    FakeUsage,
    bash,
    malformed_tool_use,
    submit,
    text,
    tool_use,
)

pytestmark = [
    pytest.mark.docker,
]

ISSUE = Issue(title="median() is wrong", body="Even-length input gives the wrong answer.")


async def run(
    model: AnthropicModel,
    sandboxes: SandboxFactory,
    tmp_path: Path,
    limits: AgentLimits,
    max_cost_usd: float | None = None,
) -> Rollout:
    runner = AgentRolloutRunner(model, sandboxes, tmp_path, limits=limits)
    request = RolloutRequest(rollout_id="lim", round=0, index=0, max_cost_usd=max_cost_usd)
    return await runner.run(request, ISSUE, Events())


def steps(rollout: Rollout) -> list[StepRecord]:
    records = read_trajectory(Path(str(rollout.trajectory_path)))
    assert isinstance(records[-1], EndRecord)
    assert records[-1].exit_status == rollout.exit_status
    return [r for r in records if isinstance(r, StepRecord)]


async def test_step_limit(
    fake_anthropic: FakeAnthropic, model: AnthropicModel, sandboxes: SandboxFactory, tmp_path: Path
) -> None:
    fake_anthropic.enqueue(bash("true"), bash("true"))
    rollout = await run(model, sandboxes, tmp_path, AgentLimits(max_steps=2))

    assert rollout.exit_status == "step_limit"
    assert rollout.steps == 2 and len(fake_anthropic.requests) == 2
    assert len(steps(rollout)) == 2


async def test_cost_limit_of_the_limits(
    fake_anthropic: FakeAnthropic, model: AnthropicModel, sandboxes: SandboxFactory, tmp_path: Path
) -> None:
    # 10k input tokens of claude-sonnet-4-6 cost $0.03 per call.
    costly = FakeUsage(input_tokens=10_000, output_tokens=10)
    fake_anthropic.enqueue(tool_use("bash", {"command": "true"}, usage=costly))
    fake_anthropic.enqueue(tool_use("bash", {"command": "true"}, usage=costly))
    rollout = await run(model, sandboxes, tmp_path, AgentLimits(max_cost_usd=0.05))

    assert rollout.exit_status == "cost_limit"
    assert rollout.steps == 2 and rollout.usage.cost_usd >= 0.05


async def test_cost_limit_of_the_request(
    fake_anthropic: FakeAnthropic, model: AnthropicModel, sandboxes: SandboxFactory, tmp_path: Path
) -> None:
    costly = FakeUsage(input_tokens=10_000, output_tokens=10)
    fake_anthropic.enqueue(tool_use("bash", {"command": "true"}, usage=costly))
    rollout = await run(model, sandboxes, tmp_path, AgentLimits(max_cost_usd=5), 0.01)

    assert rollout.exit_status == "cost_limit" and rollout.steps == 1


async def test_time_limit_bounds_a_command(
    fake_anthropic: FakeAnthropic, model: AnthropicModel, sandboxes: SandboxFactory, tmp_path: Path
) -> None:
    fake_anthropic.enqueue(bash("sleep 60"))
    limits = AgentLimits(max_wall_s=3, command_timeout_s=600)
    rollout = await run(model, sandboxes, tmp_path, limits)

    assert rollout.exit_status == "time_limit"
    [step] = steps(rollout)
    assert step.observations[0].timed_out


async def test_time_limit_bounds_a_model_call(
    fake_anthropic: FakeAnthropic, model: AnthropicModel, sandboxes: SandboxFactory, tmp_path: Path
) -> None:
    slow = FakeMessage(({"type": "tool_use", "name": "submit", "input": {}},), delay_s=10)
    fake_anthropic.enqueue(slow)
    rollout = await run(model, sandboxes, tmp_path, AgentLimits(max_wall_s=1))

    assert rollout.exit_status == "time_limit" and rollout.steps == 1


async def test_too_many_malformed_answers_end_in_format_error(
    fake_anthropic: FakeAnthropic, model: AnthropicModel, sandboxes: SandboxFactory, tmp_path: Path
) -> None:
    fake_anthropic.enqueue(
        text("I think I am done."),
        tool_use("python", {"code": "print(1)"}),
        tool_use("bash", {"cmd": "ls"}),
    )
    rollout = await run(model, sandboxes, tmp_path, AgentLimits(max_format_errors=2))

    assert rollout.exit_status == "format_error" and rollout.steps == 3
    corrections = [r.last_user_text for r in fake_anthropic.requests[1:]]
    assert "no tool call" in corrections[0]
    assert "no tool named `python`" in corrections[1]
    assert [s.format_problems != [] for s in steps(rollout)] == [True, True, True]


async def test_malformed_answers_within_budget_are_corrected(
    fake_anthropic: FakeAnthropic, model: AnthropicModel, sandboxes: SandboxFactory, tmp_path: Path
) -> None:
    fake_anthropic.enqueue(
        malformed_tool_use(), tool_use("bash", {"command": 5}), bash("echo ok"), submit()
    )
    rollout = await run(model, sandboxes, tmp_path, AgentLimits(max_format_errors=2))

    assert rollout.exit_status == "submitted" and rollout.steps == 4
    first, second = (r.tool_results()[0] for r in fake_anthropic.requests[1:3])
    assert first["is_error"] and "not a JSON object" in str(first["content"])
    assert second["is_error"] and "string argument `command`" in str(second["content"])
