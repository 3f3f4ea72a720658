"""Validation of the agent's tool calls."""

from __future__ import annotations

from typing import Any

import pytest

from app.agent.errors import FormatError
from app.agent.tools import TOOLS, BashCall, SubmitCall, parse_calls
from app.llm.base import ModelResponse, TextBlock, ToolUseBlock


def answer(*calls: tuple[str, dict[str, Any]], raw: str | None = None) -> ModelResponse:
    blocks = tuple(
        ToolUseBlock(id=f"t{i}", name=name, input=args, raw_arguments=raw)
        for i, (name, args) in enumerate(calls)
    )
    return ModelResponse(content=(TextBlock(text="thinking"), *blocks))


def test_tools_are_exactly_bash_and_submit() -> None:
    assert [t.name for t in TOOLS] == ["bash", "submit"]
    assert TOOLS[0].input_schema["required"] == ["command"]
    assert TOOLS[1].input_schema["properties"] == {}


def test_valid_calls_parse_in_order() -> None:
    calls = parse_calls(answer(("bash", {"command": "ls"}), ("submit", {})))
    assert calls == [BashCall(tool_use_id="t0", command="ls"), SubmitCall(tool_use_id="t1")]


@pytest.mark.parametrize(
    ("response", "problem"),
    [
        (ModelResponse(content=(TextBlock(text="done"),)), "no tool call"),
        (answer(("python", {"code": "1"})), "no tool named `python`"),
        (answer(("bash", {})), "string argument `command`"),
        (answer(("bash", {"command": ["ls"]})), "string argument `command`"),
        (answer(("bash", {"command": "  "})), "empty `command`"),
        (answer(("bash", {}), raw='{"command": "ls'), "not a JSON object"),
    ],
)
def test_malformed_calls_are_explained(response: ModelResponse, problem: str) -> None:
    with pytest.raises(FormatError) as caught:
        parse_calls(response)
    assert any(problem in p for p in caught.value.problems)


def test_one_bad_call_rejects_the_whole_answer() -> None:
    with pytest.raises(FormatError) as caught:
        parse_calls(answer(("bash", {"command": "ls"}), ("rm", {})))
    assert len(caught.value.problems) == 1
