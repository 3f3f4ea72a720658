"""Keeping a summary within its token budget by deterministic trimming."""

from __future__ import annotations

from typing import Any

from app.summary.compress import estimate_tokens
from app.summary.markdown import render_markdown
from scaling.summary import RolloutSummary

_LISTS = ("evidence", "hypotheses", "locations", "changes", "failure_modes", "risks")
_STRING_CAPS = (2000, 800, 400, 200, 100, 60)


# Measurements about the summary; recorded with it, never shown to a model.
_METADATA = {"trajectory_tokens", "summary_tokens"}


def summary_tokens(summary: RolloutSummary) -> int:
    """Tokens of the larger of its JSON and markdown forms (both reach prompts)."""
    return max(
        estimate_tokens(summary.model_dump_json(exclude=_METADATA)),
        estimate_tokens(render_markdown(summary)),
    )


def _cap_strings(value: Any, limit: int) -> Any:
    if isinstance(value, str):
        return value if len(value) <= limit else value[: limit - 1] + "…"
    if isinstance(value, dict):
        return {k: _cap_strings(v, limit) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_cap_strings(v, limit) for v in value]
    return value


def fit_to_budget(summary: RolloutSummary, max_tokens: int) -> RolloutSummary:
    """Shorten long strings, then drop the last items of the longest lists, until it fits."""
    if summary_tokens(summary) <= max_tokens:
        return summary
    data = summary.model_dump()
    for limit in _STRING_CAPS:
        summary = RolloutSummary.model_validate(_cap_strings(data, limit))
        if summary_tokens(summary) <= max_tokens:
            return summary
    data = summary.model_dump()
    while any(data[name] for name in _LISTS):
        longest = max(_LISTS, key=lambda name: len(data[name]))
        data[longest] = data[longest][:-1]
        summary = RolloutSummary.model_validate(data)
        if summary_tokens(summary) <= max_tokens:
            return summary
    # Only the approach is left to shorten.
    while len(data["approach"]) > 20 and summary_tokens(summary) > max_tokens:
        data["approach"] = data["approach"][: len(data["approach"]) // 2] + "…"
        summary = RolloutSummary.model_validate(data)
    return summary
