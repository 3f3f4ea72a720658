"""Claude through the official async `anthropic` SDK, with our own retry policy."""

from __future__ import annotations

import asyncio
import os
import random
from collections.abc import Mapping
from typing import Any

import anthropic

from app.llm.anthropic_wire import block_from_wire, request_to_wire
from app.llm.base import (
    ModelConfigError,
    ModelRequest,
    ModelResponse,
    ModelResponseError,
    SpendLimitReached,
    TextBlock,
    ToolUseBlock,
)
from app.llm.pricing import PriceTable, anthropic_prices
from app.llm.retry import Failure, RetryPolicy, Sleep, parse_retry_after
from app.llm.sdk import SdkModel
from scaling.rollout import Usage

NO_KEY = (
    "No Anthropic API key: set the ANTHROPIC_API_KEY environment variable "
    "(create a key at https://console.anthropic.com/settings/keys), or choose a local model "
    "with --model openai:MODEL@http://HOST:PORT/v1."
)
DEFAULT_BASE_URL = "https://api.anthropic.com"
SPEND_LIMIT_CODES = ("enforced_spend_limit_reached", "contract_spend_limit_reached")


class AnthropicModel(SdkModel[anthropic.AsyncAnthropic]):
    """A `Model` backed by the Anthropic Messages API (or a server speaking its wire format)."""

    def __init__(
        self,
        model: str,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        prices: PriceTable | None = None,
        retry: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        env = os.environ if env is None else env
        key = api_key or env.get("ANTHROPIC_API_KEY")
        if not key:
            raise ModelConfigError(NO_KEY)
        super().__init__(retry, sleep, rng)
        self.model = model
        self._prices = prices or anthropic_prices()
        # Retries are ours (max_retries=0): the SDK would also retry a spend-limit 429.
        self._client = anthropic.AsyncAnthropic(
            api_key=key,
            # Resolved here, not by the SDK, so that an injected `env` decides alone.
            base_url=base_url or env.get("ANTHROPIC_BASE_URL") or DEFAULT_BASE_URL,
            max_retries=0,
            timeout=anthropic.Timeout(self.retry.timeout_s, connect=10.0),
        )

    @property
    def name(self) -> str:
        return f"anthropic:{self.model}"

    async def complete(self, request: ModelRequest) -> ModelResponse:
        params = request_to_wire(request, self.model)

        async def attempt() -> Any:
            return await self._client.messages.create(**params)

        message = await self._call(
            attempt, classify_anthropic_error, f"{self.name} at {self.base_url}"
        )
        content: list[TextBlock | ToolUseBlock] = []
        for block in message.content:
            converted = block_from_wire(block)
            if converted is not None:
                content.append(converted)
        return ModelResponse(
            content=tuple(content),
            stop_reason=message.stop_reason,
            usage=self._usage(message.usage),
        )

    def _usage(self, usage: Any) -> Usage:
        tokens = {
            "input_tokens": usage.input_tokens or 0,
            "output_tokens": usage.output_tokens or 0,
            "cache_write_tokens": usage.cache_creation_input_tokens or 0,
            "cache_read_tokens": usage.cache_read_input_tokens or 0,
        }
        return Usage(**tokens, cost_usd=self._prices.cost(self.model, **tokens), calls=1)


def is_spend_limit(error: anthropic.APIStatusError) -> bool:
    """A 429 that no amount of waiting fixes: the organization hit its spend limit."""
    if error.status_code != 429:
        return False
    said = " ".join(
        str(part) for part in (error.error_code, error.type, error.api_message, error.body) if part
    )
    return any(code in said for code in SPEND_LIMIT_CODES)


def classify_anthropic_error(exc: Exception) -> Failure | None:
    """Map an SDK exception to a retry decision and the error autofix reports."""
    if isinstance(exc, anthropic.APIStatusError):
        detail = f"HTTP {exc.status_code} {exc.type or ''}: {exc.api_message or exc.message}"
        if exc.request_id:
            detail += f" (request-id {exc.request_id})"
        if is_spend_limit(exc) or exc.status_code == 402:
            return Failure(
                SpendLimitReached(
                    f"Anthropic refused the request because the organization's spend limit is "
                    f"reached ({detail}). Raise the limit in the Anthropic console or wait for "
                    "it to reset, then retry the run."
                ),
                retryable=False,
            )
        if exc.status_code in (401, 403):
            return Failure(
                ModelConfigError(
                    f"Anthropic rejected the API key ({detail}). Check ANTHROPIC_API_KEY."
                ),
                retryable=False,
            )
        retryable = exc.status_code in (408, 409, 429) or exc.status_code >= 500
        error = ModelResponseError(f"Anthropic answered {detail}")
        return Failure(error, retryable, parse_retry_after(exc.response.headers))
    if isinstance(exc, anthropic.APIConnectionError):
        return Failure(ModelResponseError(f"cannot reach Anthropic: {exc.message}"), True)
    return None
