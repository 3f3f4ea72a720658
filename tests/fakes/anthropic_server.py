"""A local fake of the Anthropic Messages API (`POST /v1/messages`), scripted by tests.

    with FakeAnthropic.start() as fake:
        fake.enqueue(overloaded(2), bash("pytest -q"), submit())
        model = AnthropicModel("claude-sonnet-4-6", api_key="k", base_url=fake.base_url)
        ...
        assert "pytest" in fake.requests[-1].prompt_text

Or route concurrent rollouts with a responder: `FakeAnthropic.start(responder=fn)` where
`fn(request: MessagesRequest) -> FakeReply` looks at `request.forced_tool`, `request.step`,
`request.first_user_text`. Fixtures for conftests: `fake_anthropic`, `fake_anthropic_env`.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pytest

from tests.fakes.anthropic_replies import (
    FakeError,
    FakeMessage,
    FakeReply,
    FakeUsage,
    api_error,
    bash,
    malformed_tool_use,
    overloaded,
    rate_limited,
    server_error,
    spend_limit,
    submit,
    text,
    tool_use,
    tool_uses,
    validate_messages_request,
)
from tests.fakes.llm_http import Script, WireReply, serve

__all__ = [
    "FakeAnthropic",
    "FakeError",
    "FakeMessage",
    "FakeReply",
    "FakeUsage",
    "MessagesRequest",
    "api_error",
    "bash",
    "fake_anthropic",
    "fake_anthropic_env",
    "malformed_tool_use",
    "overloaded",
    "rate_limited",
    "server_error",
    "spend_limit",
    "submit",
    "text",
    "tool_use",
    "tool_uses",
]


def _text_of(content: Any) -> str:
    """Text of a message's content: text blocks, tool inputs and tool results alike."""
    if isinstance(content, str):
        return content
    parts: list[str] = []
    for block in content:
        kind = block.get("type")
        if kind == "text":
            parts.append(block["text"])
        elif kind == "tool_use":
            parts.append(json.dumps(block.get("input")))
        elif kind == "tool_result":
            parts.append(_text_of(block.get("content", "")))
    return "\n".join(parts)


@dataclass(frozen=True)
class MessagesRequest:
    """One request the fake received, with views for routing and assertions."""

    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    index: int = 0

    @property
    def model(self) -> str:
        return str(self.body.get("model"))

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", []))

    @cached_property
    def system_text(self) -> str:
        return _text_of(self.body.get("system", ""))

    @property
    def tool_names(self) -> list[str]:
        return [tool["name"] for tool in self.body.get("tools", [])]

    @property
    def forced_tool(self) -> str | None:
        """Name of the tool `tool_choice` forces (summaries, votes), or None."""
        choice = self.body.get("tool_choice") or {}
        return choice.get("name") if choice.get("type") == "tool" else None

    @property
    def step(self) -> int:
        """Assistant turns so far: 0 on a conversation's first call."""
        return sum(1 for m in self.messages if m["role"] == "assistant")

    @cached_property
    def first_user_text(self) -> str:
        return next((_text_of(m["content"]) for m in self.messages if m["role"] == "user"), "")

    @cached_property
    def last_user_text(self) -> str:
        users = [m for m in self.messages if m["role"] == "user"]
        return _text_of(users[-1]["content"]) if users else ""

    @cached_property
    def prompt_text(self) -> str:
        """Everything the model would read: system prompt and all messages."""
        return "\n".join([self.system_text, *(_text_of(m["content"]) for m in self.messages)])

    def tool_results(self) -> list[dict[str, Any]]:
        """`tool_result` blocks of the last message (the observations of the previous step)."""
        content = self.messages[-1]["content"] if self.messages else []
        if isinstance(content, str):
            return []
        return [b for b in content if b.get("type") == "tool_result"]

    def cache_marks(self) -> list[str]:
        """Where `cache_control` breakpoints sit, e.g. `["system[0]", "tools[1]"]`."""
        marks: list[str] = []
        system = self.body.get("system")
        for i, block in enumerate(system if isinstance(system, list) else []):
            if "cache_control" in block:
                marks.append(f"system[{i}]")
        for i, tool in enumerate(self.body.get("tools", [])):
            if "cache_control" in tool:
                marks.append(f"tools[{i}]")
        for i, message in enumerate(self.messages):
            content = message["content"]
            if not isinstance(content, str) and any("cache_control" in b for b in content):
                marks.append(f"messages[{i}]")
        return marks


class FakeAnthropic:
    """A scripted Anthropic Messages API on a loopback port."""

    def __init__(self, responder: Callable[[MessagesRequest], FakeReply] | None = None) -> None:
        self.base_url = ""
        self._script: Script[MessagesRequest, FakeReply] = Script(responder)
        self._ids = itertools.count(1)

    @classmethod
    @contextmanager
    def start(
        cls, responder: Callable[[MessagesRequest], FakeReply] | None = None
    ) -> Iterator[FakeAnthropic]:
        fake = cls(responder)
        with serve({"/v1/messages": fake._handle}) as url:
            fake.base_url = url
            yield fake

    @property
    def requests(self) -> list[MessagesRequest]:
        return self._script.requests

    @property
    def problems(self) -> list[str]:
        return self._script.problems

    @property
    def pending(self) -> int:
        """Queued replies not yet served."""
        return self._script.pending

    def enqueue(self, *replies: FakeReply | Iterable[FakeReply]) -> None:
        self._script.enqueue(*replies)

    def respond_with(self, responder: Callable[[MessagesRequest], FakeReply] | None) -> None:
        self._script.respond_with(responder)

    def check(self) -> None:
        self._script.check()

    def _handle(self, body: Any, headers: dict[str, str]) -> WireReply:
        n = next(self._ids)
        request_id = f"req_fake_{n:04d}"
        request = MessagesRequest(body=body, headers=headers, index=n - 1)
        self._script.record(request)
        invalid = validate_messages_request(body, headers)
        if invalid is not None:
            self._script.problem(f"request {n - 1} rejected: {invalid.message}")
            return invalid.render(request_id)
        reply = self._script.next_reply(request)
        if isinstance(reply, str):
            return api_error(400, "invalid_request_error", f"FakeAnthropic: {reply}").render(
                request_id
            )
        if isinstance(reply, FakeError):
            return reply.render(request_id)
        return reply.render(request_id, f"msg_fake_{n:04d}", body, n)


@pytest.fixture
def fake_anthropic() -> Iterator[FakeAnthropic]:
    """A running fake; at teardown it fails the test if a request was invalid or unanswered."""
    with FakeAnthropic.start() as fake:
        yield fake
        fake.check()


@pytest.fixture
def fake_anthropic_env(
    fake_anthropic: FakeAnthropic, monkeypatch: pytest.MonkeyPatch
) -> FakeAnthropic:
    """The fake, with ANTHROPIC_BASE_URL and ANTHROPIC_API_KEY pointing the SDK at it."""
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake_anthropic.base_url)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-fake")
    return fake_anthropic
