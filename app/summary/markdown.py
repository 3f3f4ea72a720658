"""Summaries as markdown for people: PR bodies, the dashboard, refinement prompts."""

from __future__ import annotations

from app.prompts import render_prompt
from scaling.summary import RolloutSummary


def inline_code(text: str) -> str:
    """`text` as inline code, with fences long enough for backticks inside it."""
    flat = " ".join(text.split())
    longest = 0
    current = 0
    for ch in flat:
        current = current + 1 if ch == "`" else 0
        longest = max(longest, current)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def render_markdown(summary: RolloutSummary, heading_level: int = 2) -> str:
    """The summary with one section per non-empty field, headings at `heading_level`."""
    return render_prompt(
        "summary_markdown.jinja",
        s=summary,
        h="#" * heading_level,
        code=inline_code,
    )
