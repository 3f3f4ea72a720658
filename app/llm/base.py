"""Provider-neutral chat types and the `Model` protocol every provider implements."""

from __future__ import annotations

import json
from types import TracebackType
from typing import Any, Literal, Protocol, Self

from pydantic import BaseModel, ConfigDict, Field

from scaling.rollout import Usage


class TextBlock(BaseModel):
    model_config = ConfigDict(frozen=True)
    type: Literal["text"] = "text"
    text: str


class ToolUseBlock(BaseModel):
    model_config = ConfigDict(frozen=True)
    type: Literal["tool_use"] = "tool_use"
    id: str
    name: str
    input: dict[str, Any]
    # Set when the provider returned arguments that were not a JSON object.
    raw_arguments: str | None = None


def tool_use_from_arguments(call_id: str, name: str, arguments: Any) -> ToolUseBlock:
    """A tool call whose arguments may be an object, a JSON string, or something broken.

    Anything but a JSON object becomes `input={}` with the original text in `raw_arguments`,
    so the agent loop can show the model its mistake instead of running a wrong command.
    """
    if isinstance(arguments, dict):
        return ToolUseBlock(id=call_id, name=name, input=arguments)
    if isinstance(arguments, str):
        if not arguments.strip():
            # Local servers send "" for a call without arguments, such as `submit`.
            return ToolUseBlock(id=call_id, name=name, input={})
        try:
            parsed = json.loads(arguments)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            return ToolUseBlock(id=call_id, name=name, input=parsed)
        return ToolUseBlock(id=call_id, name=name, input={}, raw_arguments=arguments)
    return ToolUseBlock(id=call_id, name=name, input={}, raw_arguments=json.dumps(arguments))


class ToolResultBlock(BaseModel):
    model_config = ConfigDict(frozen=True)
    type: Literal["tool_result"] = "tool_result"
    tool_use_id: str
    content: str
    is_error: bool = False


Block = TextBlock | ToolUseBlock | ToolResultBlock


class Message(BaseModel):
    model_config = ConfigDict(frozen=True)
    role: Literal["user", "assistant"]
    content: tuple[Block, ...]


class Tool(BaseModel):
    model_config = ConfigDict(frozen=True)
    name: str
    description: str
    input_schema: dict[str, Any]


class ModelRequest(BaseModel):
    """One call: a system prompt, a linear history, tools and an optional forced tool."""

    model_config = ConfigDict(frozen=True)
    system: str
    messages: tuple[Message, ...]
    tools: tuple[Tool, ...] = ()
    # Name of a tool the model must call, for structured output (summaries, votes).
    force_tool: str | None = None
    max_tokens: int = 4096
    temperature: float | None = None
    # The system prompt, tools and first user message are stable across a rollout's steps;
    # providers that support it cache them.
    cache_prefix: bool = True


class ModelResponse(BaseModel):
    model_config = ConfigDict(frozen=True)
    content: tuple[TextBlock | ToolUseBlock, ...]
    stop_reason: str | None = None
    usage: Usage = Field(default_factory=Usage)

    def tool_uses(self) -> list[ToolUseBlock]:
        return [b for b in self.content if isinstance(b, ToolUseBlock)]

    def text(self) -> str:
        return "".join(b.text for b in self.content if isinstance(b, TextBlock))


class Model(Protocol):
    """Anything that turns a request into a response (a provider or a test script)."""

    @property
    def name(self) -> str: ...

    async def complete(self, request: ModelRequest) -> ModelResponse: ...


class ClosableModel(Model, Protocol):
    """A provider that holds connections; whoever builds it closes it (`async with` or `aclose`)."""

    async def aclose(self) -> None: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class ModelError(Exception):
    """Base of every provider failure; `message` says what to do."""


class ModelConfigError(ModelError):
    """The provider cannot be used as configured (no key, bad spec)."""


class ModelOverloaded(ModelError):
    """Retries were exhausted on 429/5xx/529."""


class SpendLimitReached(ModelError):
    """The account's spend limit is reached; retrying cannot help."""


class ModelResponseError(ModelError):
    """The provider answered with something unusable (4xx other than rate limits)."""
