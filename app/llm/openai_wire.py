"""Translation between autofix's chat types and OpenAI-style chat completions."""

from __future__ import annotations

import json
from typing import Any

from app.llm.base import (
    Message,
    ModelRequest,
    TextBlock,
    ToolResultBlock,
    ToolUseBlock,
    tool_use_from_arguments,
)

# Chat completions speak of finish reasons; autofix keeps Anthropic's stop reasons throughout.
STOP_REASONS = {"stop": "end_turn", "length": "max_tokens", "tool_calls": "tool_use"}


def _text(message: Message) -> str:
    return "\n\n".join(b.text for b in message.content if isinstance(b, TextBlock) and b.text)


def message_to_wire(message: Message) -> list[dict[str, Any]]:
    """One autofix message becomes one or more chat messages (tool results are their own)."""
    if message.role == "assistant":
        calls = [
            {
                "id": b.id,
                "type": "function",
                "function": {
                    "name": b.name,
                    "arguments": b.raw_arguments
                    if b.raw_arguments is not None
                    else json.dumps(b.input),
                },
            }
            for b in message.content
            if isinstance(b, ToolUseBlock)
        ]
        wire: dict[str, Any] = {"role": "assistant", "content": _text(message) or None}
        if calls:
            wire["tool_calls"] = calls
        elif wire["content"] is None:
            wire["content"] = ""
        return [wire]
    # Tool results must directly follow the assistant turn that called the tools.
    out: list[dict[str, Any]] = [
        {
            "role": "tool",
            "tool_call_id": b.tool_use_id,
            # There is no error flag in this format: say it in the content.
            "content": f"[error] {b.content}" if b.is_error else b.content,
        }
        for b in message.content
        if isinstance(b, ToolResultBlock)
    ]
    text = _text(message)
    if text or not out:
        out.append({"role": "user", "content": text})
    return out


def request_to_wire(request: ModelRequest, model: str) -> dict[str, Any]:
    """Keyword arguments for `chat.completions.create`."""
    force = request.force_tool
    if force is not None and force not in {tool.name for tool in request.tools}:
        raise ValueError(f"force_tool {force!r} is not one of the request's tools")
    messages: list[dict[str, Any]] = []
    if request.system:
        messages.append({"role": "system", "content": request.system})
    for message in request.messages:
        messages.extend(message_to_wire(message))
    params: dict[str, Any] = {
        "model": model,
        "messages": messages,
        "max_tokens": request.max_tokens,
    }
    if request.tools:
        params["tools"] = [
            {
                "type": "function",
                "function": {
                    "name": t.name,
                    "description": t.description,
                    "parameters": t.input_schema,
                },
            }
            for t in request.tools
        ]
        params["tool_choice"] = (
            {"type": "function", "function": {"name": force}} if force else "auto"
        )
    if request.temperature is not None:
        params["temperature"] = request.temperature
    return params


def content_from_wire(message: Any, call_prefix: str) -> list[TextBlock | ToolUseBlock]:
    """Blocks of a response's `choices[0].message` (an SDK object)."""
    blocks: list[TextBlock | ToolUseBlock] = []
    if message.content:
        blocks.append(TextBlock(text=message.content))
    for i, call in enumerate(message.tool_calls or []):
        function = getattr(call, "function", None)
        if function is None:
            continue  # custom (non-function) tools are not used by autofix
        # Some local servers omit call ids; the tool result needs one to refer to.
        call_id = getattr(call, "id", None) or f"{call_prefix}_{i}"
        blocks.append(tool_use_from_arguments(call_id, function.name, function.arguments))
    return blocks
