"""What the Anthropic fake answers, in the API's own wire format, and which requests it refuses."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from tests.fakes.llm_http import WireReply, estimate_tokens


@dataclass(frozen=True)
class FakeUsage:
    """Token counts to report; None estimates them from the request (about 4 bytes a token)."""

    input_tokens: int | None = None
    output_tokens: int | None = None
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0


@dataclass(frozen=True)
class FakeMessage:
    """A successful answer: content blocks as the API writes them."""

    content: tuple[dict[str, Any], ...]
    stop_reason: str | None = None
    usage: FakeUsage = field(default_factory=FakeUsage)
    delay_s: float = 0.0

    def render(self, request_id: str, message_id: str, request: Any, n: int) -> WireReply:
        content = [
            {**block, "id": block.get("id") or f"toolu_fake_{n:04d}_{i}"}
            if block["type"] == "tool_use"
            else block
            for i, block in enumerate(self.content)
        ]
        has_tool = any(block["type"] == "tool_use" for block in content)
        usage = self.usage
        prompt = [request.get("system"), request.get("tools"), request.get("messages")]
        body = {
            "id": message_id,
            "type": "message",
            "role": "assistant",
            "model": request.get("model"),
            "content": content,
            "stop_reason": self.stop_reason or ("tool_use" if has_tool else "end_turn"),
            "stop_sequence": None,
            "usage": {
                "input_tokens": usage.input_tokens
                if usage.input_tokens is not None
                else estimate_tokens(prompt),
                "output_tokens": usage.output_tokens
                if usage.output_tokens is not None
                else estimate_tokens(content),
                "cache_creation_input_tokens": usage.cache_creation_input_tokens,
                "cache_read_input_tokens": usage.cache_read_input_tokens,
                "cache_creation": {
                    "ephemeral_5m_input_tokens": usage.cache_creation_input_tokens,
                    "ephemeral_1h_input_tokens": 0,
                },
                "server_tool_use": None,
                "service_tier": "standard",
            },
        }
        return WireReply(200, body, {"request-id": request_id}, self.delay_s)


@dataclass(frozen=True)
class FakeError:
    """An error answer: `{"type": "error", "error": {...}}` with the matching status."""

    status: int
    type: str
    message: str
    error_code: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    delay_s: float = 0.0

    def render(self, request_id: str) -> WireReply:
        error: dict[str, Any] = {"type": self.type, "message": self.message}
        if self.error_code:
            error["details"] = {"error_code": self.error_code}
        body = {"type": "error", "error": error, "request_id": request_id}
        return WireReply(
            self.status, body, {"request-id": request_id, **self.headers}, self.delay_s
        )


FakeReply = FakeMessage | FakeError


def text(
    answer: str, *, usage: FakeUsage | None = None, stop_reason: str | None = None
) -> FakeMessage:
    return FakeMessage(({"type": "text", "text": answer},), stop_reason, usage or FakeUsage())


def tool_uses(
    *calls: tuple[str, Any], text: str | None = None, usage: FakeUsage | None = None
) -> FakeMessage:
    """Several tool calls in one turn, optionally after some text."""
    blocks: list[dict[str, Any]] = [{"type": "text", "text": text}] if text else []
    blocks += [{"type": "tool_use", "id": None, "name": n, "input": i} for n, i in calls]
    return FakeMessage(tuple(blocks), usage=usage or FakeUsage())


def tool_use(
    name: str, input: Any, *, text: str | None = None, usage: FakeUsage | None = None
) -> FakeMessage:
    return tool_uses((name, input), text=text, usage=usage)


def bash(command: str, *, text: str | None = None) -> FakeMessage:
    return tool_use("bash", {"command": command}, text=text)


def submit(*, text: str | None = None) -> FakeMessage:
    return tool_use("submit", {}, text=text)


def malformed_tool_use(name: str = "bash", input: Any = '{"command": "ls') -> FakeMessage:
    """A tool call whose input is not a JSON object (as some compatible servers send)."""
    return tool_use(name, input)


def api_error(
    status: int,
    type: str,
    message: str,
    *,
    error_code: str | None = None,
    retry_after: float | None = None,
) -> FakeError:
    headers = {"retry-after": f"{retry_after:g}"} if retry_after is not None else {}
    return FakeError(status, type, message, error_code, headers)


def overloaded(n: int = 1) -> list[FakeReply]:
    return [api_error(529, "overloaded_error", "Overloaded") for _ in range(n)]


def rate_limited(n: int = 1, *, retry_after: float | None = None) -> list[FakeReply]:
    message = "Number of request tokens has exceeded your per-minute rate limit"
    return [api_error(429, "rate_limit_error", message, retry_after=retry_after) for _ in range(n)]


def server_error(n: int = 1) -> list[FakeReply]:
    return [api_error(500, "api_error", "Internal server error") for _ in range(n)]


def spend_limit(via: Literal["details", "message", "type"] = "details") -> FakeError:
    """The 429 sent once the organization's spend limit is reached, said one of three ways."""
    code = "enforced_spend_limit_reached"
    if via == "type":
        return api_error(429, code, "Your organization has reached its spend limit.")
    message = "This request would exceed your organization's monthly spend limit."
    if via == "message":
        return api_error(429, "rate_limit_error", f"{message} ({code})")
    return api_error(429, "rate_limit_error", message, error_code=code)


_TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,128}$")


def _invalid(message: str) -> FakeError:
    return api_error(400, "invalid_request_error", message)


def validate_messages_request(body: Any, headers: Mapping[str, str]) -> FakeError | None:
    """The checks of the real API that catch bugs in a client's conversation handling."""
    if not headers.get("x-api-key") and not headers.get("authorization", "").startswith("Bearer "):
        return api_error(401, "authentication_error", "x-api-key header is required")
    if "anthropic-version" not in headers:
        return _invalid("anthropic-version: header is required")
    if not isinstance(body, dict) or not isinstance(body.get("model"), str):
        return _invalid("model: Field required")
    if not isinstance(body.get("max_tokens"), int) or body["max_tokens"] < 0:
        return _invalid("max_tokens: Field required")
    if body.get("stream"):
        return _invalid("stream: this fake answers only non-streaming requests")
    tools = body.get("tools", [])
    names = {tool.get("name") for tool in tools}
    for i, tool in enumerate(tools):
        if not _TOOL_NAME.match(str(tool.get("name"))):
            return _invalid(
                f"tools.{i}.name: String should match pattern '^[a-zA-Z0-9_-]{{1,128}}$'"
            )
        if tool.get("input_schema", {}).get("type") != "object":
            return _invalid(f"tools.{i}.input_schema.type: Input should be 'object'")
    choice = body.get("tool_choice")
    if choice and choice.get("type") == "tool" and choice.get("name") not in names:
        return _invalid(f"tool_choice: tool {choice.get('name')!r} not found in tools")
    marks = json.dumps(body).count('"cache_control"')
    if marks > 4:
        return _invalid(f"A maximum of 4 blocks with cache_control may be provided. Found {marks}.")
    return _validate_messages(body.get("messages"))


def _validate_messages(messages: Any) -> FakeError | None:
    if not isinstance(messages, list) or not messages:
        return _invalid("messages: at least one message is required")
    if messages[0].get("role") != "user":
        return _invalid('messages: first message must use the "user" role')
    open_calls: set[str] = set()
    for i, message in enumerate(messages):
        content = message.get("content")
        blocks = [{"type": "text", "text": content}] if isinstance(content, str) else content
        if message.get("role") not in ("user", "assistant") or not blocks:
            return _invalid(f"messages.{i}: role must be user or assistant, content non-empty")
        results = {b.get("tool_use_id") for b in blocks if b.get("type") == "tool_result"}
        if open_calls - results:
            return _invalid(
                f"messages.{i}: `tool_use` ids were found without `tool_result` blocks "
                f"immediately after: {', '.join(sorted(open_calls - results))}"
            )
        if results - open_calls:
            return _invalid(f"messages.{i}: unexpected `tool_use_id` found in `tool_result` blocks")
        for block in blocks:
            if block.get("type") == "text" and not block.get("text", "").strip():
                return _invalid(f"messages.{i}: text content blocks must be non-empty")
        open_calls = {b["id"] for b in blocks if b.get("type") == "tool_use"}
    return None
