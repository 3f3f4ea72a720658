"""The `summary` tool: its JSON schema (derived from RolloutSummary) and answer validation."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from app.llm.base import ModelResponse, Tool
from scaling.summary import PatchStats, RolloutSummary

TOOL_NAME = "summary"
# Filled in by code, never by the model.
_CODE_FIELDS = (
    "rollout_id",
    "fallback",
    "fallback_reason",
    "patch_stats",
    "trajectory_tokens",
    "summary_tokens",
)


def _inline_refs(node: Any, defs: dict[str, Any]) -> Any:
    # Providers differ in `$ref` support; an inlined schema works everywhere.
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            return _inline_refs(defs[ref.rsplit("/", 1)[-1]], defs)
        return {k: _inline_refs(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline_refs(v, defs) for v in node]
    return node


def summary_schema() -> dict[str, Any]:
    """RolloutSummary's JSON schema without the fields code fills in; every field required."""
    schema = RolloutSummary.model_json_schema()
    inlined: dict[str, Any] = _inline_refs(schema, schema.get("$defs", {}))
    properties = {k: v for k, v in inlined["properties"].items() if k not in _CODE_FIELDS}
    return {
        "type": "object",
        "properties": properties,
        "required": sorted(properties),
        "additionalProperties": False,
    }


SUMMARY_TOOL = Tool(
    name=TOOL_NAME,
    description="Record the structured summary of the attempt.",
    input_schema=summary_schema(),
)


class SummaryRejected(Exception):
    """The model's answer was not a valid summary; the message says why."""


def parse_summary(response: ModelResponse, rollout_id: str, stats: PatchStats) -> RolloutSummary:
    """The summary in a forced `summary` call, validated; SummaryRejected otherwise."""
    calls = [b for b in response.tool_uses() if b.name == TOOL_NAME]
    if not calls:
        raise SummaryRejected("the answer did not call the summary tool")
    call = calls[0]
    if call.raw_arguments is not None:
        raise SummaryRejected("the summary arguments were not a JSON object")
    data = {k: v for k, v in call.input.items() if k not in _CODE_FIELDS}
    try:
        return RolloutSummary.model_validate(
            {**data, "rollout_id": rollout_id, "patch_stats": stats, "fallback": False}
        )
    except ValidationError as exc:
        raise SummaryRejected(f"the summary did not match its schema: {exc}") from exc
