"""Price lookup and the backoff schedule, without any server."""

from __future__ import annotations

import random

import pytest

from app.llm.base import ModelConfigError
from app.llm.pricing import anthropic_prices, local_prices
from app.llm.retry import RetryPolicy, parse_retry_after


@pytest.mark.parametrize(
    ("model", "input_price", "output_price"),
    [
        ("claude-sonnet-4-6", 3, 15),
        ("claude-sonnet-4-5-20250929", 3, 15),
        ("claude-opus-4-1-20250805", 15, 75),
        ("claude-haiku-4-5", 1, 5),
        ("claude-sonnet-9", 3, 15),  # a newer family member: priced like the family
        ("claude-unheard-of", 15, 75),  # unknown: the priciest, so budgets fail closed
    ],
)
def test_anthropic_price_lookup(model: str, input_price: float, output_price: float) -> None:
    price = anthropic_prices().price(model)
    assert (price.input, price.output) == (input_price, output_price)
    assert price.cache_write == pytest.approx(input_price * 1.25)
    assert price.cache_read == pytest.approx(input_price * 0.1)


def test_overrides_win_and_local_models_are_free_by_default() -> None:
    table = anthropic_prices({"claude-sonnet-4-6": {"input": 2, "output": 4, "cache_read": 0}})
    assert table.cost("claude-sonnet-4-6", input_tokens=10**6, cache_read_tokens=10**6) == 2.0
    assert local_prices().cost("llama", input_tokens=10**9, output_tokens=10**9) == 0.0


def test_bad_price_override_names_the_model() -> None:
    with pytest.raises(ModelConfigError, match=r"'claude-x'.*input: 3\.0"):
        anthropic_prices({"claude-x": {"input": "cheap"}})


def test_backoff_grows_exponentially_with_jitter_and_is_capped() -> None:
    policy = RetryPolicy(base_delay_s=1.0, max_delay_s=10.0)
    rng = random.Random(7)
    waits = [policy.delay(n, rng) for n in range(6)]
    for n, wait in enumerate(waits):
        step = min(10.0, 2.0**n)
        assert step / 2 <= wait <= step
    assert len({round(w, 6) for w in waits}) == len(waits)  # jittered, not constant
    assert policy.delay(3, rng, retry_after=9.0) == 9.0
    assert policy.delay(0, rng, retry_after=600.0) == 10.0


def test_retry_after_headers() -> None:
    assert parse_retry_after({"retry-after": "3"}) == 3.0
    assert parse_retry_after({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5
    assert parse_retry_after({"retry-after": "Wed, 21 Oct 2026 07:28:00 GMT"}) is None
    assert parse_retry_after({}) is None
