"""Fixtures for provider tests: the LLM fakes and a sleep that only records its waits."""

from __future__ import annotations

import pytest

from tests.fakes.anthropic_server import fake_anthropic, fake_anthropic_env
from tests.fakes.openai_server import fake_openai

__all__ = ["RecordedSleep", "fake_anthropic", "fake_anthropic_env", "fake_openai"]


class RecordedSleep:
    """An injectable `sleep` that returns at once and remembers each requested wait."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def sleep() -> RecordedSleep:
    return RecordedSleep()
