"""What tokens cost, per model, in USD per million tokens."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.llm.base import ModelConfigError


class Price(BaseModel):
    """USD per million tokens; cache prices default to Anthropic's multipliers of `input`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    input: float = Field(ge=0)
    output: float = Field(ge=0)
    cache_write: float = Field(ge=0)
    """Writing a 5-minute cache entry (default 1.25 x input)."""
    cache_read: float = Field(ge=0)
    """Reading a cached prefix (default 0.1 x input)."""

    @model_validator(mode="before")
    @classmethod
    def _default_cache_prices(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            data = dict(data)
            # With an unusable `input` the error about it is the one worth showing, not two
            # more about cache prices derived from it.
            base = data.get("input")
            base = base if isinstance(base, int | float) and not isinstance(base, bool) else 0
            data.setdefault("cache_write", base * 1.25)
            data.setdefault("cache_read", base * 0.1)
        return data

    def cost(
        self, input_tokens: int, output_tokens: int, cache_write_tokens: int, cache_read_tokens: int
    ) -> float:
        return (
            input_tokens * self.input
            + output_tokens * self.output
            + cache_write_tokens * self.cache_write
            + cache_read_tokens * self.cache_read
        ) / 1_000_000


def _p(input: float, output: float) -> Price:
    return Price.model_validate({"input": input, "output": output})


# Published list prices (standard tier, prompts up to 200k tokens).
ANTHROPIC_PRICES: dict[str, Price] = {
    "claude-opus-4-6": _p(5, 25),
    "claude-opus-4-5": _p(5, 25),
    "claude-opus-4-1": _p(15, 75),
    "claude-opus-4-0": _p(15, 75),
    "claude-opus-4": _p(15, 75),
    "claude-sonnet-4-6": _p(3, 15),
    "claude-sonnet-4-5": _p(3, 15),
    "claude-sonnet-4-0": _p(3, 15),
    "claude-sonnet-4": _p(3, 15),
    "claude-3-7-sonnet": _p(3, 15),
    "claude-haiku-4-5": _p(1, 5),
    "claude-3-5-haiku": _p(0.8, 4),
    "claude-3-haiku": _p(0.25, 1.25),
}
# Newer models of a known family are priced like its latest member until the table learns them.
ANTHROPIC_FAMILIES: dict[str, Price] = {
    "opus": ANTHROPIC_PRICES["claude-opus-4-6"],
    "sonnet": ANTHROPIC_PRICES["claude-sonnet-4-6"],
    "haiku": ANTHROPIC_PRICES["claude-haiku-4-5"],
}
FREE = Price(input=0, output=0, cache_write=0, cache_read=0)
_DATED = re.compile(r"-(\d{8}|latest)$")


class PriceTable:
    """Looks up a model's price: overrides, then exact name, then family, then `unknown`."""

    def __init__(
        self,
        prices: Mapping[str, Price],
        *,
        families: Mapping[str, Price] | None = None,
        unknown: Price,
    ) -> None:
        self._prices = dict(prices)
        self._families = dict(families or {})
        self._unknown = unknown

    def price(self, model: str) -> Price:
        for name in (model, _DATED.sub("", model)):
            if name in self._prices:
                return self._prices[name]
        for family, price in self._families.items():
            if family in model:
                return price
        return self._unknown

    def cost(
        self,
        model: str,
        *,
        input_tokens: int = 0,
        output_tokens: int = 0,
        cache_write_tokens: int = 0,
        cache_read_tokens: int = 0,
    ) -> float:
        return self.price(model).cost(
            input_tokens, output_tokens, cache_write_tokens, cache_read_tokens
        )


def parse_prices(overrides: Mapping[str, Any] | None) -> dict[str, Price]:
    """Validate `{model: {input, output, cache_write?, cache_read?}}` from configuration."""
    parsed: dict[str, Price] = {}
    for model, value in (overrides or {}).items():
        try:
            parsed[model] = value if isinstance(value, Price) else Price.model_validate(value)
        except ValueError as exc:
            raise ModelConfigError(
                f"price for model {model!r} is invalid: give USD per million tokens as "
                f"{{input: 3.0, output: 15.0}} (optionally cache_write, cache_read); {exc}"
            ) from exc
    return parsed


def anthropic_prices(overrides: Mapping[str, Any] | None = None) -> PriceTable:
    """Anthropic's list prices; an unknown model costs like the priciest (budgets fail closed)."""
    priciest = max(ANTHROPIC_PRICES.values(), key=lambda p: p.output)
    return PriceTable(
        {**ANTHROPIC_PRICES, **parse_prices(overrides)},
        families=ANTHROPIC_FAMILIES,
        unknown=priciest,
    )


def local_prices(overrides: Mapping[str, Any] | None = None) -> PriceTable:
    """Self-hosted OpenAI-compatible servers cost nothing per token unless configured."""
    return PriceTable(parse_prices(overrides), unknown=FREE)
