"""A local fake of an OpenAI-compatible server (`POST /v1/chat/completions`), scripted by tests.

Same shape as `tests.fakes.anthropic_server`: `FakeOpenAI.start(responder=None)` yields a
running fake with `.base_url` (ending in /v1), `.requests`, `.enqueue(...)`; replies are built
with `text`, `tool_call`, `bash`, `submit`, `malformed_tool_call`, `overloaded`, ...
Fixture: `fake_openai`.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.fakes.llm_http import Script, WireReply, estimate_tokens, serve


@dataclass(frozen=True)
class FakeCompletion:
    """A successful answer: assistant text and/or function calls (arguments as raw strings)."""

    content: str | None = None
    calls: tuple[tuple[str, str], ...] = ()
    finish_reason: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    cached_tokens: int = 0

    def render(self, n: int, request: Any) -> WireReply:
        calls = [
            {"id": f"call_fake_{n:04d}_{i}", "type": "function",
             "function": {"name": name, "arguments": arguments}}
            for i, (name, arguments) in enumerate(self.calls)
        ]  # fmt: skip
        message: dict[str, Any] = {"role": "assistant", "content": self.content}
        if calls:
            message["tool_calls"] = calls
        prompt = self.prompt_tokens
        prompt = estimate_tokens(request.get("messages")) if prompt is None else prompt
        completion = self.completion_tokens
        completion = estimate_tokens(message) if completion is None else completion
        body = {
            "id": f"chatcmpl-fake-{n:04d}",
            "object": "chat.completion",
            "created": 1_790_000_000 + n,
            "model": request.get("model"),
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "finish_reason": self.finish_reason or ("tool_calls" if calls else "stop"),
                    "logprobs": None,
                }
            ],
            "usage": {
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "total_tokens": prompt + completion,
                "prompt_tokens_details": {"cached_tokens": self.cached_tokens},
            },
        }
        return WireReply(200, body, {"x-request-id": f"req-fake-{n:04d}"})


@dataclass(frozen=True)
class FakeChatError:
    """An error answer: `{"error": {"message", "type", "param", "code"}}`."""

    status: int
    message: str
    type: str = "server_error"
    code: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)

    def render(self, n: int) -> WireReply:
        error = {"message": self.message, "type": self.type, "param": None, "code": self.code}
        return WireReply(
            self.status, {"error": error}, {"x-request-id": f"req-fake-{n:04d}", **self.headers}
        )


FakeChatReply = FakeCompletion | FakeChatError


def text(answer: str) -> FakeCompletion:
    return FakeCompletion(content=answer)


def tool_call(
    name: str, arguments: Any, *, text: str | None = None, cached_tokens: int = 0
) -> FakeCompletion:
    """A function call; `arguments` is JSON-encoded unless it already is a string."""
    raw = arguments if isinstance(arguments, str) else json.dumps(arguments)
    return FakeCompletion(content=text, calls=((name, raw),), cached_tokens=cached_tokens)


def bash(command: str) -> FakeCompletion:
    return tool_call("bash", {"command": command})


def submit() -> FakeCompletion:
    return tool_call("submit", {})


def malformed_tool_call(name: str = "bash", raw: str = '{"command": "ls') -> FakeCompletion:
    """A call whose arguments are not valid JSON, as small local models produce."""
    return tool_call(name, raw)


def api_error(
    status: int, message: str, *, type: str = "server_error", code: str | None = None
) -> FakeChatError:
    return FakeChatError(status, message, type, code)


def overloaded(n: int = 1) -> list[FakeChatReply]:
    return [api_error(503, "The server is overloaded") for _ in range(n)]


def rate_limited(n: int = 1) -> list[FakeChatReply]:
    return [
        api_error(429, "Rate limit reached", type="requests", code="rate_limit_exceeded")
        for _ in range(n)
    ]


def quota_exceeded() -> FakeChatError:
    return api_error(
        429, "You exceeded your current quota", type="insufficient_quota", code="insufficient_quota"
    )


@dataclass(frozen=True)
class ChatRequest:
    """One request the fake received."""

    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    index: int = 0

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", []))

    @property
    def forced_tool(self) -> str | None:
        choice = self.body.get("tool_choice")
        return choice["function"]["name"] if isinstance(choice, dict) else None

    @property
    def tool_names(self) -> list[str]:
        return [t["function"]["name"] for t in self.body.get("tools", [])]

    @property
    def step(self) -> int:
        return sum(1 for m in self.messages if m["role"] == "assistant")

    @property
    def prompt_text(self) -> str:
        return "\n".join(str(m.get("content") or "") for m in self.messages)


def validate_chat_request(body: Any, headers: Mapping[str, str]) -> FakeChatError | None:
    """What an OpenAI-compatible server refuses: the bugs a client's history handling makes."""
    if not headers.get("authorization", "").startswith("Bearer "):
        return api_error(401, "Missing bearer authentication", type="invalid_request_error")
    if not isinstance(body, dict) or not body.get("model") or not body.get("messages"):
        return api_error(400, "model and messages are required", type="invalid_request_error")
    names = {t["function"]["name"] for t in body.get("tools", [])}
    choice = body.get("tool_choice")
    if isinstance(choice, dict) and choice["function"]["name"] not in names:
        return api_error(400, "tool_choice names an unknown function", type="invalid_request_error")
    open_calls: set[str] = set()
    for i, message in enumerate(body["messages"]):
        if message.get("role") == "tool":
            if message.get("tool_call_id") not in open_calls:
                problem = f"messages[{i}]: tool message answers no pending tool call"
                return api_error(400, problem, type="invalid_request_error")
            open_calls.discard(message["tool_call_id"])
            continue
        if open_calls:
            problem = f"messages[{i}]: tool calls {sorted(open_calls)} got no tool message"
            return api_error(400, problem, type="invalid_request_error")
        open_calls = {c["id"] for c in message.get("tool_calls") or []}
    return None


class FakeOpenAI:
    """A scripted OpenAI-compatible chat completions server on a loopback port."""

    def __init__(self, responder: Callable[[ChatRequest], FakeChatReply] | None = None) -> None:
        self.base_url = ""
        self._script: Script[ChatRequest, FakeChatReply] = Script(responder)
        self._ids = itertools.count(1)

    @classmethod
    @contextmanager
    def start(
        cls, responder: Callable[[ChatRequest], FakeChatReply] | None = None
    ) -> Iterator[FakeOpenAI]:
        fake = cls(responder)
        with serve({"/v1/chat/completions": fake._handle}) as url:
            fake.base_url = f"{url}/v1"
            yield fake

    @property
    def requests(self) -> list[ChatRequest]:
        return self._script.requests

    @property
    def problems(self) -> list[str]:
        return self._script.problems

    def enqueue(self, *replies: FakeChatReply | Iterable[FakeChatReply]) -> None:
        self._script.enqueue(*replies)

    def respond_with(self, responder: Callable[[ChatRequest], FakeChatReply] | None) -> None:
        self._script.respond_with(responder)

    def check(self) -> None:
        self._script.check()

    def _handle(self, body: Any, headers: dict[str, str]) -> WireReply:
        n = next(self._ids)
        request = ChatRequest(body=body, headers=headers, index=n - 1)
        self._script.record(request)
        invalid = validate_chat_request(body, headers)
        if invalid is not None:
            self._script.problem(f"request {n - 1} rejected: {invalid.message}")
            return invalid.render(n)
        reply = self._script.next_reply(request)
        if isinstance(reply, str):
            return api_error(400, f"FakeOpenAI: {reply}", type="invalid_request_error").render(n)
        if isinstance(reply, FakeChatError):
            return reply.render(n)
        return reply.render(n, body)


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """A running fake; at teardown it fails the test if a request was invalid or unanswered."""
    with FakeOpenAI.start() as fake:
        yield fake
        fake.check()
