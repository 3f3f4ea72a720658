"""Any OpenAI-compatible chat endpoint (vLLM, Ollama, llama.cpp) through the `openai` SDK."""

from __future__ import annotations

import asyncio
import os
import random
from collections.abc import Mapping
from typing import Any

import openai

from app.llm.base import (
    ModelConfigError,
    ModelRequest,
    ModelResponse,
    ModelResponseError,
    SpendLimitReached,
)
from app.llm.openai_wire import STOP_REASONS, content_from_wire, request_to_wire
from app.llm.pricing import PriceTable, local_prices
from app.llm.retry import Failure, RetryPolicy, Sleep, parse_retry_after
from app.llm.sdk import SdkModel
from scaling.rollout import Usage

# Local servers ignore the key, but the SDK refuses to run without one.
LOCAL_KEY = "local"
DEFAULT_BASE_URL = "https://api.openai.com/v1"


class OpenAICompatModel(SdkModel[openai.AsyncOpenAI]):
    """A `Model` backed by `POST {base_url}/chat/completions` with function tools."""

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        prices: PriceTable | None = None,
        retry: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        env = os.environ if env is None else env
        super().__init__(retry, sleep, rng)
        self.model = model
        self._prices = prices or local_prices()
        self._calls = 0
        self._client = openai.AsyncOpenAI(
            api_key=api_key or env.get("OPENAI_API_KEY") or LOCAL_KEY,
            # Resolved here, not by the SDK, so that an injected `env` decides alone.
            base_url=base_url or env.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL,
            max_retries=0,
            timeout=openai.Timeout(self.retry.timeout_s, connect=10.0),
        )

    @property
    def name(self) -> str:
        return f"openai:{self.model}@{self.base_url}"

    async def complete(self, request: ModelRequest) -> ModelResponse:
        params = request_to_wire(request, self.model)

        async def attempt() -> Any:
            return await self._client.chat.completions.create(**params)

        completion = await self._call(attempt, classify_openai_error, self.name)
        if not completion.choices:
            raise ModelResponseError(f"{self.name} answered without choices")
        choice = completion.choices[0]
        self._calls += 1
        content = content_from_wire(choice.message, f"call_autofix_{self._calls}")
        reason = choice.finish_reason
        return ModelResponse(
            content=tuple(content),
            stop_reason=STOP_REASONS.get(reason, reason) if reason else None,
            usage=self._usage(completion.usage),
        )

    def _usage(self, usage: Any) -> Usage:
        if usage is None:  # some servers omit usage; count the call anyway
            return Usage(calls=1)
        details = usage.prompt_tokens_details
        cached = (details.cached_tokens or 0) if details else 0
        # `prompt_tokens` includes cached tokens; autofix counts them apart, like Anthropic.
        tokens = {
            "input_tokens": max(0, (usage.prompt_tokens or 0) - cached),
            "output_tokens": usage.completion_tokens or 0,
            "cache_read_tokens": cached,
            "cache_write_tokens": 0,
        }
        return Usage(**tokens, cost_usd=self._prices.cost(self.model, **tokens), calls=1)


def classify_openai_error(exc: Exception) -> Failure | None:
    """Map an SDK exception to a retry decision and the error autofix reports."""
    if isinstance(exc, openai.APIStatusError):
        detail = f"HTTP {exc.status_code}: {exc.message}"
        if exc.code == "insufficient_quota":
            return Failure(
                SpendLimitReached(
                    f"The model server refused the request for lack of quota ({detail}). "
                    "Add credit or raise the quota, then retry the run."
                ),
                retryable=False,
            )
        if exc.status_code in (401, 403):
            return Failure(
                ModelConfigError(
                    f"The model server rejected the API key ({detail}). Set OPENAI_API_KEY "
                    "to the key the server expects."
                ),
                retryable=False,
            )
        if exc.status_code == 404:
            return Failure(
                ModelResponseError(
                    f"The model server has no such model or path ({detail}). Check the model "
                    "name and that the base URL ends in /v1, e.g. openai:MODEL@http://HOST:8000/v1."
                ),
                retryable=False,
            )
        retryable = exc.status_code in (408, 409, 429) or exc.status_code >= 500
        error = ModelResponseError(f"The model server answered {detail}")
        return Failure(error, retryable, parse_retry_after(exc.response.headers))
    if isinstance(exc, openai.APIConnectionError):
        return Failure(ModelResponseError(f"cannot reach the model server: {exc.message}"), True)
    return None
