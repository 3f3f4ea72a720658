"""`LLMJudge`: one forced `vote` tool call over labelled candidate summaries is one vote."""

from __future__ import annotations

import logging
import string
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.issue_text import sanitize_issue
from app.llm.base import Message, Model, ModelError, ModelRequest, TextBlock, Tool
from app.prompts import render_prompt
from app.summary.markdown import render_markdown
from scaling.issue import Issue
from scaling.rollout import Usage
from scaling.summary import RolloutSummary
from scaling.vote import Vote

log = logging.getLogger(__name__)

LABELS = string.ascii_uppercase
TOOL_NAME = "vote"


class JudgeConfig(BaseModel):
    """How a judge call is made."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_output_tokens: int = Field(default=1024, ge=128, description="Output tokens per vote.")
    temperature: float | None = Field(
        default=None, description="Sampling temperature; votes are meant to vary a little."
    )


def vote_tool(labels: Sequence[str]) -> Tool:
    """The `vote` tool for candidates labelled `labels`."""
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            "choice": {"type": "string", "enum": list(labels), "description": "The best one."},
            "reason": {"type": "string", "description": "Why, in a few sentences."},
        },
        "required": ["choice", "reason"],
        "additionalProperties": False,
    }
    return Tool(
        name=TOOL_NAME, description="Cast your vote for one candidate.", input_schema=schema
    )


def _invalid(reason: str, usage: Usage) -> Vote:
    return Vote(choice=None, valid=False, reason=reason, usage=usage)


class LLMJudge:
    """Implements scaling's Judge; an unusable answer is an invalid vote, never a default pick."""

    def __init__(self, model: Model, config: JudgeConfig | None = None) -> None:
        self.model = model
        self.config = config or JudgeConfig()

    def request(self, issue: Issue, candidates: Sequence[RolloutSummary]) -> ModelRequest:
        labels = LABELS[: len(candidates)]
        user = render_prompt(
            "judge_user.jinja",
            issue=sanitize_issue(issue),
            candidates=[
                {"label": label, "summary": render_markdown(summary, heading_level=3)}
                for label, summary in zip(labels, candidates, strict=True)
            ],
        )
        return ModelRequest(
            system=render_prompt("judge_system.jinja"),
            messages=(Message(role="user", content=(TextBlock(text=user),)),),
            tools=(vote_tool(labels),),
            force_tool=TOOL_NAME,
            max_tokens=self.config.max_output_tokens,
            temperature=self.config.temperature,
        )

    async def vote(self, issue: Issue, candidates: Sequence[RolloutSummary]) -> Vote:
        """Ask once; `choice` indexes `candidates` in the order given."""
        if not 2 <= len(candidates) <= len(LABELS):
            raise ValueError(f"a vote needs 2 to {len(LABELS)} candidates, got {len(candidates)}")
        labels = LABELS[: len(candidates)]
        try:
            response = await self.model.complete(self.request(issue, candidates))
        except ModelError as exc:
            log.warning("judge call failed: %s", exc)
            return _invalid(f"the judge call failed: {exc}", Usage())
        calls = [b for b in response.tool_uses() if b.name == TOOL_NAME]
        if not calls or calls[0].raw_arguments is not None:
            return _invalid("the judge did not call the vote tool with JSON", response.usage)
        choice = calls[0].input.get("choice")
        reason = calls[0].input.get("reason")
        if not isinstance(choice, str) or choice.strip().upper() not in labels:
            return _invalid(
                f"the judge chose {choice!r}, not one of {list(labels)}", response.usage
            )
        if not isinstance(reason, str):
            return _invalid("the judge gave no reason", response.usage)
        return Vote(
            choice=labels.index(choice.strip().upper()), reason=reason, usage=response.usage
        )
