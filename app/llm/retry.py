"""Bounded retries with exponential backoff and jitter, shared by every provider."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field

from app.llm.base import ModelError, ModelOverloaded

log = logging.getLogger(__name__)

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]


class RetryPolicy(BaseModel):
    """How often and how patiently a provider call is retried."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_retries: int = Field(default=6, ge=0)
    """Retries after the first attempt on 429/5xx/529, timeouts and connection errors."""
    base_delay_s: float = Field(default=2.0, ge=0)
    """Backoff before the first retry; doubles on each further retry."""
    max_delay_s: float = Field(default=60.0, ge=0)
    """Upper bound of one wait, also for a server's `retry-after`."""
    timeout_s: float = Field(default=600.0, gt=0)
    """Limit of one attempt, from sending the request to the last byte of the answer."""

    def delay(self, retry: int, rng: random.Random, retry_after: float | None = None) -> float:
        """Equal jitter: half the exponential step is fixed, half random, so that
        concurrent rollouts hitting the same 529 do not come back in lockstep."""
        step = min(self.max_delay_s, self.base_delay_s * 2.0**retry)
        wait = step / 2 + rng.uniform(0, step / 2)
        if retry_after is not None:
            wait = max(wait, retry_after)
        return min(wait, self.max_delay_s)


@dataclass(frozen=True)
class Failure:
    """A provider error translated into what the retry loop needs to know."""

    error: ModelError
    retryable: bool
    retry_after: float | None = None


async def call_with_retries(
    attempt: Callable[[], Awaitable[T]],
    classify: Callable[[Exception], Failure | None],
    *,
    policy: RetryPolicy,
    sleep: Sleep = asyncio.sleep,
    rng: random.Random | None = None,
    what: str = "model call",
) -> T:
    """Run `attempt` under the policy; `classify` maps provider errors (None: not ours)."""
    rng = rng or random.Random()
    for retry in range(policy.max_retries + 1):
        failure: Failure | None
        cause: Exception
        try:
            async with asyncio.timeout(policy.timeout_s):
                return await attempt()
        except ModelError:
            raise
        except TimeoutError as exc:
            gave_up = ModelOverloaded(f"{what} got no answer within {policy.timeout_s:g} s")
            failure, cause = Failure(gave_up, retryable=True), exc
        except Exception as exc:
            failure, cause = classify(exc), exc
            if failure is None:
                raise
        if not failure.retryable:
            raise failure.error from cause
        if retry == policy.max_retries:
            raise ModelOverloaded(
                f"{what} failed after {retry + 1} attempts; last error: {failure.error}. "
                "The provider is overloaded or unreachable: try again later, or lower "
                "`rollouts` to send fewer concurrent requests."
            ) from cause
        wait = policy.delay(retry, rng, failure.retry_after)
        log.warning("%s: %s; retrying in %.1f s", what, failure.error, wait)
        await sleep(wait)
    raise AssertionError("unreachable: the loop returns or raises")


def parse_retry_after(headers: object) -> float | None:
    """Seconds from `retry-after-ms` or `retry-after` (seconds form only), if present."""
    get = getattr(headers, "get", None)
    if get is None:
        return None
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = get(name)
        if value is None:
            continue
        try:
            seconds = float(value) * scale
        except ValueError:
            continue
        if seconds >= 0:
            return seconds
    return None
