"""Model specs and the provider factory."""

from __future__ import annotations

import pytest

from app.llm.anthropic import AnthropicModel
from app.llm.base import Message, ModelConfigError, ModelRequest, TextBlock
from app.llm.openai_compat import OpenAICompatModel
from app.llm.spec import ModelSpec, build_model, parse_model_spec
from tests.fakes.anthropic_server import FakeAnthropic, FakeUsage, text


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("anthropic:claude-sonnet-4-6", ModelSpec(provider="anthropic", model="claude-sonnet-4-6")),
        ("claude-opus-4-6", ModelSpec(provider="anthropic", model="claude-opus-4-6")),
        (
            "anthropic:claude-haiku-4-5@http://127.0.0.1:9000",
            ModelSpec(
                provider="anthropic", model="claude-haiku-4-5", base_url="http://127.0.0.1:9000"
            ),
        ),
        (
            "openai:qwen2.5-coder@http://localhost:8000/v1",
            ModelSpec(
                provider="openai", model="qwen2.5-coder", base_url="http://localhost:8000/v1"
            ),
        ),
        (
            " openai:qwen2.5-coder:7b@http://localhost:11434/v1 ",
            ModelSpec(
                provider="openai", model="qwen2.5-coder:7b", base_url="http://localhost:11434/v1"
            ),
        ),
        ("openai:gpt-4.1", ModelSpec(provider="openai", model="gpt-4.1")),
    ],
)
def test_valid_specs(spec: str, expected: ModelSpec) -> None:
    parsed = parse_model_spec(spec)
    assert parsed == expected
    assert parse_model_spec(str(parsed)) == parsed


@pytest.mark.parametrize(
    "spec",
    ["gpt-4", "bedrock:claude", "anthropic:", "openai:qwen@", "openai:qwen@localhost:8000", ""],
)
def test_invalid_specs_name_the_accepted_forms(spec: str) -> None:
    with pytest.raises(ModelConfigError, match="Accepted forms: anthropic:MODEL"):
        parse_model_spec(spec)


async def test_build_model_picks_the_provider() -> None:
    anthropic_model = build_model("anthropic:claude-sonnet-4-6", anthropic_api_key="k", env={})
    local_model = build_model("openai:qwen@http://127.0.0.1:1/v1", env={})
    async with anthropic_model, local_model:
        assert isinstance(anthropic_model, AnthropicModel)
        assert isinstance(local_model, OpenAICompatModel)
        assert anthropic_model.name == "anthropic:claude-sonnet-4-6"
        assert local_model.name == "openai:qwen@http://127.0.0.1:1/v1"


def test_build_model_without_anthropic_key_fails_clearly() -> None:
    with pytest.raises(ModelConfigError, match="ANTHROPIC_API_KEY"):
        build_model("anthropic:claude-sonnet-4-6", env={})


async def test_build_model_applies_price_overrides() -> None:
    with FakeAnthropic.start() as fake:
        fake.enqueue(text("ok", usage=FakeUsage(1_000_000, 1_000_000, 1_000_000, 1_000_000)))
        spec = ModelSpec(provider="anthropic", model="claude-sonnet-4-6", base_url=fake.base_url)
        prices = {"claude-sonnet-4-6": {"input": 1.0, "output": 2.0}}
        async with build_model(spec, anthropic_api_key="k", prices=prices, env={}) as model:
            request = ModelRequest(
                system="s", messages=(Message(role="user", content=(TextBlock(text="hi"),)),)
            )
            usage = (await model.complete(request)).usage
        fake.check()
    # cache prices default to 1.25x and 0.1x of the overridden input price
    assert usage.cost_usd == pytest.approx(1.0 + 2.0 + 1.25 + 0.1)
