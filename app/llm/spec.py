"""Model specs like `anthropic:claude-sonnet-4-6` and the factory that builds providers."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Mapping
from typing import Any, Literal
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict

from app.llm.base import ClosableModel, ModelConfigError
from app.llm.retry import RetryPolicy, Sleep

Provider = Literal["anthropic", "openai"]

ACCEPTED = (
    "anthropic:MODEL (e.g. anthropic:claude-sonnet-4-6), anthropic:MODEL@URL, a bare claude-* "
    "name, or openai:MODEL@URL for an OpenAI-compatible server "
    "(e.g. openai:qwen2.5-coder@http://localhost:8000/v1; without @URL, OPENAI_BASE_URL)"
)


class ModelSpec(BaseModel):
    """Which provider, which model, and optionally where it is served."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    provider: Provider
    model: str
    base_url: str | None = None

    def __str__(self) -> str:
        at = f"@{self.base_url}" if self.base_url else ""
        return f"{self.provider}:{self.model}{at}"


def _bad(spec: str, why: str) -> ModelConfigError:
    return ModelConfigError(f"model spec {spec!r} is invalid: {why}. Accepted forms: {ACCEPTED}.")


def parse_model_spec(spec: str) -> ModelSpec:
    """Parse `provider:model[@base_url]`; model names may contain ':' (Ollama tags)."""
    text = spec.strip()
    if text.startswith("claude-"):
        text = f"anthropic:{text}"
    provider, colon, rest = text.partition(":")
    if not colon or provider not in ("anthropic", "openai"):
        raise _bad(spec, "it must start with 'anthropic:' or 'openai:'")
    model, at, url = rest.partition("@")
    model = model.strip()
    if not model:
        raise _bad(spec, "the model name is missing")
    base_url = url.strip() or None
    if at and base_url is None:
        raise _bad(spec, "nothing follows '@'")
    if base_url is not None:
        parsed = urlparse(base_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise _bad(spec, f"{base_url!r} is not an http(s) URL")
    return ModelSpec(provider=provider, model=model, base_url=base_url)


def build_model(
    spec: ModelSpec | str,
    *,
    anthropic_api_key: str | None = None,
    openai_api_key: str | None = None,
    prices: Mapping[str, Any] | None = None,
    retry: RetryPolicy | None = None,
    sleep: Sleep = asyncio.sleep,
    rng: random.Random | None = None,
    env: Mapping[str, str] | None = None,
) -> ClosableModel:
    """The provider for `spec`. Keys not given come from `env` (default: the process
    environment); `prices` overrides the price table (`{model: {input, output, ...}}`)."""
    if isinstance(spec, str):
        spec = parse_model_spec(spec)
    # Imported here so that choosing one provider never needs the other's SDK.
    if spec.provider == "anthropic":
        from app.llm.anthropic import AnthropicModel
        from app.llm.pricing import anthropic_prices

        return AnthropicModel(
            spec.model,
            api_key=anthropic_api_key,
            base_url=spec.base_url,
            prices=anthropic_prices(prices),
            retry=retry,
            sleep=sleep,
            rng=rng,
            env=env,
        )
    from app.llm.openai_compat import OpenAICompatModel
    from app.llm.pricing import local_prices

    return OpenAICompatModel(
        spec.model,
        base_url=spec.base_url,
        api_key=openai_api_key,
        prices=local_prices(prices),
        retry=retry,
        sleep=sleep,
        rng=rng,
        env=env,
    )
