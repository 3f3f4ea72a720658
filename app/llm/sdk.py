"""What the SDK-backed providers share: our retry loop, the client's base URL, closing it."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, Generic, Protocol, Self, TypeVar

from app.llm.retry import Failure, RetryPolicy, Sleep, call_with_retries


class _Client(Protocol):
    @property
    def base_url(self) -> Any: ...

    async def close(self) -> None: ...


C = TypeVar("C", bound=_Client)


class SdkModel(Generic[C]):
    """Base of providers wrapping an async SDK client whose own retries are off."""

    _client: C

    def __init__(
        self,
        retry: RetryPolicy | None,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._rng = rng or random.Random()

    @property
    def base_url(self) -> str:
        return str(self._client.base_url).rstrip("/")

    async def _call(
        self,
        attempt: Callable[[], Awaitable[Any]],
        classify: Callable[[Exception], Failure | None],
        what: str,
    ) -> Any:
        return await call_with_retries(
            attempt, classify, policy=self.retry, sleep=self._sleep, rng=self._rng, what=what
        )

    async def aclose(self) -> None:
        await self._client.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
