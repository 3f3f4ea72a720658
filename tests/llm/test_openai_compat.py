"""OpenAICompatModel through the real `openai` SDK against the local chat completions fake."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.llm.base import (
    Message,
    ModelOverloaded,
    ModelRequest,
    ModelResponseError,
    SpendLimitReached,
    TextBlock,
    Tool,
    ToolResultBlock,
    ToolUseBlock,
)
from app.llm.openai_compat import OpenAICompatModel
from app.llm.pricing import local_prices
from app.llm.retry import RetryPolicy
from tests.fakes.openai_server import (
    FakeCompletion,
    FakeOpenAI,
    api_error,
    bash,
    malformed_tool_call,
    overloaded,
    quota_exceeded,
    submit,
    text,
    tool_call,
)
from tests.llm.conftest import RecordedSleep

FAST = RetryPolicy(max_retries=3, base_delay_s=0.01, max_delay_s=0.05, timeout_s=10)
BASH = Tool(
    name="bash",
    description="Run a command.",
    input_schema={"type": "object", "properties": {"command": {"type": "string"}}},
)
VOTE = Tool(
    name="vote",
    description="Pick the better candidate.",
    input_schema={"type": "object", "properties": {"choice": {"type": "integer"}}},
)


def history(call: ToolUseBlock, output: str = "ok", *, is_error: bool = False) -> ModelRequest:
    return ModelRequest(
        system="You fix issues.",
        messages=(
            Message(role="user", content=(TextBlock(text="Issue 3: wrong sum"),)),
            Message(role="assistant", content=(TextBlock(text="Checking."), call)),
            Message(
                role="user",
                content=(
                    ToolResultBlock(tool_use_id=call.id, content=output, is_error=is_error),
                    TextBlock(text="You have 5 steps left."),
                ),
            ),
        ),
        tools=(BASH, VOTE),
    )


def model_for(fake: FakeOpenAI, sleep: RecordedSleep, **kwargs: Any) -> OpenAICompatModel:
    options: dict[str, Any] = {"base_url": fake.base_url, "retry": FAST, "sleep": sleep, "env": {}}
    return OpenAICompatModel("qwen2.5-coder:7b", **(options | kwargs))


async def test_tool_calls_round_trip_with_forced_tool(
    fake_openai: FakeOpenAI, sleep: RecordedSleep
) -> None:
    fake_openai.enqueue(tool_call("vote", {"choice": 2}))
    call = ToolUseBlock(id="call_9", name="bash", input={"command": "pytest"})
    async with model_for(fake_openai, sleep) as model:
        response = await model.complete(
            history(call, "1 failed", is_error=True).model_copy(update={"force_tool": "vote"})
        )

    [request] = fake_openai.requests
    system, issue, assistant, tool, note = request.messages
    assert system == {"role": "system", "content": "You fix issues."}
    assert issue == {"role": "user", "content": "Issue 3: wrong sum"}
    assert assistant["content"] == "Checking."
    [wire_call] = assistant["tool_calls"]
    assert wire_call["id"] == "call_9" and wire_call["function"]["name"] == "bash"
    assert json.loads(wire_call["function"]["arguments"]) == {"command": "pytest"}
    assert tool == {"role": "tool", "tool_call_id": "call_9", "content": "[error] 1 failed"}
    assert note == {"role": "user", "content": "You have 5 steps left."}
    assert request.forced_tool == "vote"
    assert request.tool_names == ["bash", "vote"]
    assert request.headers["authorization"] == "Bearer local"

    [vote] = response.tool_uses()
    assert (vote.name, vote.input, vote.raw_arguments) == ("vote", {"choice": 2}, None)
    assert response.stop_reason == "tool_use"


async def test_malformed_arguments_are_kept_raw_and_sent_back(
    fake_openai: FakeOpenAI, sleep: RecordedSleep
) -> None:
    fake_openai.enqueue(malformed_tool_call("bash", '{"command": "ls'), submit())
    async with model_for(fake_openai, sleep) as model:
        first = await model.complete(history(ToolUseBlock(id="c0", name="bash", input={})))
        [broken] = first.tool_uses()
        assert broken.input == {}
        assert broken.raw_arguments == '{"command": "ls'
        # The agent answers with a corrective tool result; the raw text goes back verbatim.
        second = await model.complete(history(broken, "arguments were not valid JSON"))

    assert second.tool_uses()[0].name == "submit"
    assert second.tool_uses()[0].input == {}
    sent = fake_openai.requests[1].messages[2]["tool_calls"][0]["function"]["arguments"]
    assert sent == '{"command": "ls'


async def test_usage_counts_cached_tokens_apart_and_prices_apply(
    fake_openai: FakeOpenAI, sleep: RecordedSleep
) -> None:
    reply = FakeCompletion(
        content="done", prompt_tokens=1200, completion_tokens=80, cached_tokens=1000
    )
    fake_openai.enqueue(reply, reply)
    prices = local_prices({"qwen2.5-coder:7b": {"input": 1.0, "output": 2.0, "cache_read": 0.5}})
    async with (
        model_for(fake_openai, sleep) as free,
        model_for(fake_openai, sleep, prices=prices) as paid,
    ):
        free_usage = (
            await free.complete(history(ToolUseBlock(id="c", name="bash", input={})))
        ).usage
        paid_usage = (
            await paid.complete(history(ToolUseBlock(id="c", name="bash", input={})))
        ).usage

    assert (free_usage.input_tokens, free_usage.cache_read_tokens) == (200, 1000)
    assert (free_usage.output_tokens, free_usage.calls, free_usage.cost_usd) == (80, 1, 0.0)
    assert paid_usage.cost_usd == pytest.approx((200 * 1.0 + 80 * 2.0 + 1000 * 0.5) / 1e6)


async def test_overload_is_retried_then_gives_up(
    fake_openai: FakeOpenAI, sleep: RecordedSleep
) -> None:
    fake_openai.enqueue(overloaded(2), bash("ls"), overloaded(4))
    async with model_for(fake_openai, sleep) as model:
        response = await model.complete(history(ToolUseBlock(id="c", name="bash", input={})))
        assert response.tool_uses()[0].input == {"command": "ls"}
        with pytest.raises(ModelOverloaded, match="after 4 attempts"):
            await model.complete(history(ToolUseBlock(id="c", name="bash", input={})))

    assert len(fake_openai.requests) == 7


async def test_quota_exhausted_fails_fast(fake_openai: FakeOpenAI, sleep: RecordedSleep) -> None:
    fake_openai.enqueue(quota_exceeded(), text("never"))
    async with model_for(fake_openai, sleep) as model:
        with pytest.raises(SpendLimitReached):
            await model.complete(history(ToolUseBlock(id="c", name="bash", input={})))
    assert len(fake_openai.requests) == 1
    assert sleep.waits == []


async def test_unknown_model_names_the_fix(fake_openai: FakeOpenAI, sleep: RecordedSleep) -> None:
    fake_openai.enqueue(api_error(404, "The model `qwen` does not exist.", type="NotFoundError"))
    async with model_for(fake_openai, sleep) as model:
        with pytest.raises(ModelResponseError, match="ends in /v1"):
            await model.complete(history(ToolUseBlock(id="c", name="bash", input={})))


async def test_key_from_environment_and_text_answers(
    fake_openai: FakeOpenAI, sleep: RecordedSleep
) -> None:
    fake_openai.enqueue(FakeCompletion(content="partial", finish_reason="length"))
    env = {"OPENAI_API_KEY": "sk-local-123"}
    async with model_for(fake_openai, sleep, env=env) as model:
        response = await model.complete(history(ToolUseBlock(id="c", name="bash", input={})))

    assert response.text() == "partial"
    assert response.stop_reason == "max_tokens"
    assert fake_openai.requests[0].headers["authorization"] == "Bearer sk-local-123"
