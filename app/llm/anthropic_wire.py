"""Translation between autofix's chat types and the Anthropic Messages API wire format."""

from __future__ import annotations

from typing import Any

from app.llm.base import (
    Block,
    ModelRequest,
    TextBlock,
    ToolUseBlock,
    tool_use_from_arguments,
)

EPHEMERAL: dict[str, str] = {"type": "ephemeral"}
# The API rejects empty text blocks; an assistant turn that said nothing still needs content.
EMPTY_TURN = "(no content)"


def block_to_wire(block: Block) -> dict[str, Any]:
    if isinstance(block, TextBlock):
        return {"type": "text", "text": block.text}
    if isinstance(block, ToolUseBlock):
        return {"type": "tool_use", "id": block.id, "name": block.name, "input": block.input}
    return {
        "type": "tool_result",
        "tool_use_id": block.tool_use_id,
        "content": block.content or EMPTY_TURN,
        "is_error": block.is_error,
    }


def _with_cache_mark(content: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [*content[:-1], {**content[-1], "cache_control": EPHEMERAL}]


def request_to_wire(request: ModelRequest, model: str) -> dict[str, Any]:
    """Keyword arguments for `messages.create`.

    With `cache_prefix`, breakpoints go on the system prompt, the last tool and the first user
    message (stable for a whole rollout), plus the newest message so that each agent step reads
    the previous step's history from the cache instead of paying for it again: four in all,
    the API's maximum.
    """
    force = request.force_tool
    if force is not None and force not in {tool.name for tool in request.tools}:
        raise ValueError(f"force_tool {force!r} is not one of the request's tools")
    cache = request.cache_prefix
    messages: list[dict[str, Any]] = []
    for message in request.messages:
        content = [
            block_to_wire(b)
            for b in message.content
            if not (isinstance(b, TextBlock) and not b.text.strip())
        ] or [{"type": "text", "text": EMPTY_TURN}]
        messages.append({"role": message.role, "content": content})
    if cache and messages:
        marked = {len(messages) - 1}
        marked.update(i for i, m in enumerate(messages[:1]) if m["role"] == "user")
        for i in marked:
            messages[i] = {**messages[i], "content": _with_cache_mark(messages[i]["content"])}

    params: dict[str, Any] = {
        "model": model,
        "max_tokens": request.max_tokens,
        "messages": messages,
    }
    if request.system:
        system: dict[str, Any] = {"type": "text", "text": request.system}
        params["system"] = [{**system, "cache_control": EPHEMERAL}] if cache else [system]
    if request.tools:
        tools = [
            {"name": t.name, "description": t.description, "input_schema": t.input_schema}
            for t in request.tools
        ]
        params["tools"] = _with_cache_mark(tools) if cache else tools
    if force is not None:
        params["tool_choice"] = {"type": "tool", "name": force}
    # `temperature` is not sent: the Messages API of SDK 2.x no longer takes sampling knobs.
    return params


def block_from_wire(block: Any) -> TextBlock | ToolUseBlock | None:
    """One response content block (an SDK object); kinds autofix does not use map to None."""
    kind = getattr(block, "type", None)
    if kind == "text":
        return TextBlock(text=block.text)
    if kind == "tool_use":
        return tool_use_from_arguments(block.id, block.name, block.input)
    return None
