"""The conversation's messages and the trajectory's step records, built from one answer."""

from __future__ import annotations

from app.llm.base import Message, ModelResponse, TextBlock, ToolResultBlock
from app.prompts import render_prompt
from app.trajectory import Observation, StepRecord
from scaling.rollout import Usage


def assistant_message(response: ModelResponse) -> Message:
    """The answer as history; blank text blocks and empty turns would invalidate the next call."""
    content = tuple(
        b for b in response.content if not isinstance(b, TextBlock) or b.text.strip()
    ) or (TextBlock(text="(empty answer)"),)
    return Message(role="assistant", content=content)


def observations_message(observations: list[Observation]) -> Message:
    return Message(
        role="user",
        content=tuple(
            ToolResultBlock(
                tool_use_id=obs.tool_use_id,
                content=render_prompt("agent_observation.jinja", obs=obs),
                is_error=obs.exit_code != 0,
            )
            for obs in observations
        ),
    )


def correction_message(response: ModelResponse, problems: list[str]) -> Message:
    """What was wrong, as a result for every tool call made, or as text if there was none."""
    text = render_prompt("agent_format_error.jinja", problems=problems)
    blocks = response.tool_uses()
    content: tuple[ToolResultBlock | TextBlock, ...] = (
        tuple(ToolResultBlock(tool_use_id=b.id, content=text, is_error=True) for b in blocks)
        if blocks
        else (TextBlock(text=text),)
    )
    return Message(role="user", content=content)


def step_record(
    step: int,
    response: ModelResponse,
    total: Usage,
    elapsed_s: float,
    observations: list[Observation] | None = None,
    format_problems: list[str] | None = None,
    submitted: bool = False,
) -> StepRecord:
    return StepRecord(
        step=step,
        text=response.text(),
        tool_calls=[
            {"id": b.id, "name": b.name, "input": b.input, "raw_arguments": b.raw_arguments}
            for b in response.tool_uses()
        ],
        observations=observations or [],
        format_problems=format_problems or [],
        submitted=submitted,
        usage=response.usage,
        total_cost_usd=total.cost_usd,
        elapsed_s=elapsed_s,
    )
