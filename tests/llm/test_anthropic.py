"""AnthropicModel through the real `anthropic` SDK against the local Messages API fake."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from app.llm.anthropic import AnthropicModel
from app.llm.base import (
    Message,
    ModelConfigError,
    ModelOverloaded,
    ModelRequest,
    ModelResponseError,
    SpendLimitReached,
    TextBlock,
    Tool,
    ToolResultBlock,
    ToolUseBlock,
)
from app.llm.retry import RetryPolicy
from tests.fakes.anthropic_server import (
    FakeAnthropic,
    FakeUsage,
    MessagesRequest,
    api_error,
    bash,
    malformed_tool_use,
    overloaded,
    rate_limited,
    server_error,
    spend_limit,
    text,
    tool_use,
)
from tests.llm.conftest import RecordedSleep

MODEL = "claude-sonnet-4-6"
FAST = RetryPolicy(max_retries=4, base_delay_s=0.01, max_delay_s=0.05, timeout_s=10)
BASH = Tool(
    name="bash",
    description="Run a command.",
    input_schema={"type": "object", "properties": {"command": {"type": "string"}}},
)
SUMMARY = Tool(
    name="summary",
    description="Summarize the rollout.",
    input_schema={"type": "object", "properties": {"approach": {"type": "string"}}},
)


def user(text_: str) -> Message:
    return Message(role="user", content=(TextBlock(text=text_),))


def conversation(**kwargs: Any) -> ModelRequest:
    """A rollout two steps in: issue, a bash call, its output."""
    return ModelRequest(
        system="You fix issues.",
        messages=(
            user("Issue 7: the parser crashes"),
            Message(
                role="assistant",
                content=(
                    TextBlock(text="Let me look."),
                    ToolUseBlock(id="toolu_1", name="bash", input={"command": "ls"}),
                ),
            ),
            Message(
                role="user",
                content=(ToolResultBlock(tool_use_id="toolu_1", content="parser.py\n"),),
            ),
        ),
        tools=(BASH, SUMMARY),
        **kwargs,
    )


def model_for(fake: FakeAnthropic, sleep: RecordedSleep, **kwargs: Any) -> AnthropicModel:
    options: dict[str, Any] = {"api_key": "sk-ant-test", "base_url": fake.base_url}
    options |= {"retry": FAST, "sleep": sleep} | kwargs
    return AnthropicModel(MODEL, **options)


async def test_conversation_and_forced_tool_round_trip(
    fake_anthropic: FakeAnthropic, sleep: RecordedSleep
) -> None:
    fake_anthropic.enqueue(tool_use("summary", {"approach": "guard None"}, text="Done."))
    async with model_for(fake_anthropic, sleep) as model:
        response = await model.complete(conversation(force_tool="summary", temperature=0.2))

    body = fake_anthropic.requests[0].body
    assert body["model"] == MODEL
    assert body["tool_choice"] == {"type": "tool", "name": "summary"}
    assert "temperature" not in body  # the current Messages API has no sampling knobs
    assert [t["name"] for t in body["tools"]] == ["bash", "summary"]
    assert body["tools"][0]["input_schema"] == BASH.input_schema
    assistant, result = body["messages"][1]["content"], body["messages"][2]["content"][0]
    assert assistant[1] == {
        "type": "tool_use",
        "id": "toolu_1",
        "name": "bash",
        "input": {"command": "ls"},
    }
    assert result["type"] == "tool_result" and result["tool_use_id"] == "toolu_1"
    assert result["content"] == "parser.py\n" and result["is_error"] is False

    assert response.text() == "Done."
    [call] = response.tool_uses()
    assert (call.name, call.input, call.raw_arguments) == (
        "summary",
        {"approach": "guard None"},
        None,
    )
    assert call.id.startswith("toolu_")
    assert response.stop_reason == "tool_use"


async def test_cache_breakpoints_on_stable_prefix_and_newest_message(
    fake_anthropic: FakeAnthropic, sleep: RecordedSleep
) -> None:
    fake_anthropic.enqueue(text("a"), text("b"))
    async with model_for(fake_anthropic, sleep) as model:
        await model.complete(conversation())
        await model.complete(conversation(cache_prefix=False))

    cached, uncached = fake_anthropic.requests
    # system, last tool, first user message, and the newest message for the growing history
    assert cached.cache_marks() == ["system[0]", "tools[1]", "messages[0]", "messages[2]"]
    assert cached.body["system"][0]["text"] == "You fix issues."
    assert uncached.cache_marks() == []


async def test_usage_and_cost_include_cache_tokens(
    fake_anthropic: FakeAnthropic, sleep: RecordedSleep
) -> None:
    usage = FakeUsage(1000, 200, cache_creation_input_tokens=3000, cache_read_input_tokens=5000)
    fake_anthropic.enqueue(text("ok", usage=usage))
    async with model_for(fake_anthropic, sleep) as model:
        response = await model.complete(conversation())

    u = response.usage
    assert (u.input_tokens, u.output_tokens) == (1000, 200)
    assert (u.cache_write_tokens, u.cache_read_tokens, u.calls) == (3000, 5000, 1)
    # Sonnet: $3 in, $15 out, $3.75 cache write, $0.30 cache read per Mtok
    expected = (1000 * 3 + 200 * 15 + 3000 * 3.75 + 5000 * 0.30) / 1e6
    assert u.cost_usd == pytest.approx(expected)


async def test_burst_of_529s_is_survived(
    fake_anthropic: FakeAnthropic, sleep: RecordedSleep
) -> None:
    fake_anthropic.enqueue(overloaded(3), bash("pytest -q"))
    async with model_for(fake_anthropic, sleep) as model:
        response = await model.complete(conversation())

    assert response.tool_uses()[0].input == {"command": "pytest -q"}
    assert len(fake_anthropic.requests) == 4
    assert len(sleep.waits) == 3
    assert all(0 < w <= FAST.max_delay_s for w in sleep.waits)


async def test_retries_exhausted_raise_overloaded(
    fake_anthropic: FakeAnthropic, sleep: RecordedSleep
) -> None:
    fake_anthropic.enqueue(overloaded(2), server_error(1))
    policy = FAST.model_copy(update={"max_retries": 2})
    async with model_for(fake_anthropic, sleep, retry=policy) as model:
        with pytest.raises(ModelOverloaded, match="after 3 attempts") as caught:
            await model.complete(conversation())

    assert "HTTP 500" in str(caught.value)
    assert len(fake_anthropic.requests) == 3
    assert len(sleep.waits) == 2


async def test_rate_limit_waits_as_long_as_retry_after_says(
    fake_anthropic: FakeAnthropic, sleep: RecordedSleep
) -> None:
    fake_anthropic.enqueue(rate_limited(1, retry_after=7), text("ok"))
    policy = FAST.model_copy(update={"max_delay_s": 30.0})
    async with model_for(fake_anthropic, sleep, retry=policy) as model:
        response = await model.complete(conversation())

    assert response.text() == "ok"
    assert sleep.waits == [7.0]


@pytest.mark.parametrize("via", ["details", "message", "type"])
async def test_spend_limit_fails_fast(
    fake_anthropic: FakeAnthropic, sleep: RecordedSleep, via: Any
) -> None:
    fake_anthropic.enqueue(spend_limit(via), text("never sent"))
    async with model_for(fake_anthropic, sleep) as model:
        with pytest.raises(SpendLimitReached, match="spend limit"):
            await model.complete(conversation())

    assert len(fake_anthropic.requests) == 1
    assert sleep.waits == []


async def test_rejected_key_and_bad_request_are_not_retried(
    fake_anthropic: FakeAnthropic, sleep: RecordedSleep
) -> None:
    fake_anthropic.enqueue(
        api_error(401, "authentication_error", "invalid x-api-key"),
        api_error(400, "invalid_request_error", "prompt is too long: 210000 tokens > 200000"),
    )
    async with model_for(fake_anthropic, sleep) as model:
        with pytest.raises(ModelConfigError, match="ANTHROPIC_API_KEY"):
            await model.complete(conversation())
        with pytest.raises(ModelResponseError, match="prompt is too long"):
            await model.complete(conversation())

    assert len(fake_anthropic.requests) == 2


def test_missing_key_says_how_to_set_it() -> None:
    with pytest.raises(ModelConfigError, match="set the ANTHROPIC_API_KEY environment variable"):
        AnthropicModel(MODEL, env={})


async def test_environment_base_url_and_key_are_used(
    fake_anthropic_env: FakeAnthropic, sleep: RecordedSleep
) -> None:
    fake_anthropic_env.enqueue(text("hello"))
    async with AnthropicModel(MODEL, retry=FAST, sleep=sleep) as model:
        response = await model.complete(conversation())

    assert response.text() == "hello"
    [request] = fake_anthropic_env.requests
    assert request.headers["authorization"] == "Bearer sk-ant-test-fake"


async def test_slow_answer_times_out_and_is_retried(
    fake_anthropic: FakeAnthropic, sleep: RecordedSleep
) -> None:
    slow = text("too late")
    fake_anthropic.enqueue(type(slow)(slow.content, delay_s=10.0), text("in time"))
    # The retry must get its answer within the timeout even on a loaded machine: 1 s is
    # ample for a loopback round trip, and still far below the slow answer's 10 s.
    policy = FAST.model_copy(update={"timeout_s": 1.0})
    async with model_for(fake_anthropic, sleep, retry=policy) as model:
        response = await model.complete(conversation())

    assert response.text() == "in time"
    assert len(fake_anthropic.requests) == 2


async def test_tool_input_that_is_not_an_object_is_kept_raw(
    fake_anthropic: FakeAnthropic, sleep: RecordedSleep
) -> None:
    fake_anthropic.enqueue(malformed_tool_use("bash", '{"command": "ls'))
    async with model_for(fake_anthropic, sleep) as model:
        response = await model.complete(conversation())

    [call] = response.tool_uses()
    assert call.input == {}
    assert call.raw_arguments == '{"command": "ls'


async def test_fake_rejects_a_tool_call_left_unanswered(
    fake_anthropic: FakeAnthropic, sleep: RecordedSleep
) -> None:
    broken = ModelRequest(
        system="s",
        messages=(
            user("go"),
            Message(role="assistant", content=(ToolUseBlock(id="t1", name="bash", input={}),)),
            user("no result given"),
        ),
        tools=(BASH,),
    )
    async with model_for(fake_anthropic, sleep) as model:
        with pytest.raises(ModelResponseError, match="without `tool_result`"):
            await model.complete(broken)
    assert fake_anthropic.problems
    fake_anthropic.problems.clear()


async def test_concurrent_rollouts_routed_by_responder(sleep: RecordedSleep) -> None:
    def respond(request: MessagesRequest) -> Any:
        if request.forced_tool == "summary":
            return tool_use("summary", {"approach": request.first_user_text})
        return bash(f"echo {request.first_user_text}")

    with FakeAnthropic.start(responder=respond) as fake:
        async with model_for(fake, sleep) as model:
            requests = [
                ModelRequest(system="s", messages=(user(f"rollout-{i}"),), tools=(BASH, SUMMARY),
                             force_tool="summary" if i % 2 else None)
                for i in range(4)
            ]  # fmt: skip
            responses = await asyncio.gather(*(model.complete(r) for r in requests))
        fake.check()

    inputs = [r.tool_uses()[0].input for r in responses]
    assert inputs == [
        {"command": "echo rollout-0"},
        {"approach": "rollout-1"},
        {"command": "echo rollout-2"},
        {"approach": "rollout-3"},
    ]
    assert len(fake.requests) == 4


async def test_injected_environment_decides_the_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "http://127.0.0.1:9/process-wide")
    async with (
        AnthropicModel(MODEL, env={"ANTHROPIC_API_KEY": "k"}) as injected,
        AnthropicModel(MODEL, api_key="k", base_url="http://127.0.0.1:9/explicit") as explicit,
    ):
        assert injected.base_url == "https://api.anthropic.com"
        assert explicit.base_url == "http://127.0.0.1:9/explicit"
