"""`LLMSummarizer`: a forced `summary` tool call over a compressed trajectory, with a fallback."""

from __future__ import annotations

import logging
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from app.issue_text import sanitize_issue
from app.llm.base import Message, Model, ModelError, ModelRequest, TextBlock
from app.prompts import render_prompt
from app.summary.budget import fit_to_budget, summary_tokens
from app.summary.compress import AnyRecord, head_tail, render_trajectory, trajectory_tokens
from app.summary.fallback import summary_from_trajectory
from app.summary.patch_stats import patch_stats
from app.summary.schema import SUMMARY_TOOL, SummaryRejected, parse_summary
from app.trajectory import read_trajectory
from scaling.issue import Issue
from scaling.rollout import Rollout, Usage
from scaling.summary import RolloutSummary

log = logging.getLogger(__name__)


class SummaryConfig(BaseModel):
    """Sizes of the summarizer's input and output."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_summary_tokens: int = Field(
        default=1200, ge=300, description="Estimated tokens a summary may take, at most."
    )
    max_trajectory_chars: int = Field(
        default=60_000, ge=2_000, description="Characters of trajectory shown to the model."
    )
    output_chars: int = Field(
        default=1_500, ge=200, description="Characters kept from each command output."
    )
    max_diff_chars: int = Field(
        default=20_000, ge=1_000, description="Characters of the final diff shown to the model."
    )
    max_output_tokens: int = Field(
        default=2_048, ge=256, description="Output tokens allowed for the summary call."
    )


class SummaryReport(BaseModel):
    """A summary with what it cost and how much it compressed its trajectory."""

    model_config = ConfigDict(frozen=True)

    summary: RolloutSummary
    usage: Usage
    trajectory_tokens: int
    summary_tokens: int
    compression_ratio: float

    @property
    def fallback_reason(self) -> str | None:
        """Why the model's summary was not used; it travels with the summary into the result."""
        return self.summary.fallback_reason


class LLMSummarizer:
    """Implements scaling's Summarizer; never raises for a bad or failed model answer."""

    def __init__(
        self, model: Model, config: SummaryConfig | None = None, test_command: str | None = None
    ) -> None:
        self.model = model
        self.config = config or SummaryConfig()
        self.test_command = test_command

    async def summarize(self, rollout: Rollout, issue: Issue) -> tuple[RolloutSummary, Usage]:
        report = await self.report(rollout, issue)
        return report.summary, report.usage

    async def report(self, rollout: Rollout, issue: Issue) -> SummaryReport:
        """Summarize, fall back if needed, fit the budget, and measure the compression."""
        records = _records(rollout)
        stats = patch_stats(rollout.patch)
        usage = Usage()
        reason: str | None = None
        try:
            response = await self.model.complete(self._request(rollout, issue, records))
            usage = response.usage
            summary = parse_summary(response, rollout.rollout_id, stats)
        except (ModelError, SummaryRejected) as exc:
            reason = f"{type(exc).__name__}: {exc}"
            log.warning(
                "summary of %s falls back to the trajectory: %s", rollout.rollout_id, reason
            )
            summary = summary_from_trajectory(rollout, records, self.test_command, reason)
        summary = fit_to_budget(summary, self.config.max_summary_tokens)
        traj_tokens = trajectory_tokens(records) + len(rollout.patch) // 4
        sum_tokens = summary_tokens(summary)
        ratio = traj_tokens / max(1, sum_tokens)
        summary = summary.model_copy(
            update={"trajectory_tokens": traj_tokens, "summary_tokens": sum_tokens}
        )
        log.info(
            "summary of %s: %d -> %d tokens (compression %.1fx, fallback=%s)",
            rollout.rollout_id,
            traj_tokens,
            sum_tokens,
            ratio,
            summary.fallback,
        )
        return SummaryReport(
            summary=summary,
            usage=usage,
            trajectory_tokens=traj_tokens,
            summary_tokens=sum_tokens,
            compression_ratio=ratio,
        )

    def _request(self, rollout: Rollout, issue: Issue, records: list[AnyRecord]) -> ModelRequest:
        cfg = self.config
        user = render_prompt(
            "summary_user.jinja",
            issue=sanitize_issue(issue),
            exit_status=rollout.exit_status,
            steps=rollout.steps,
            trajectory=render_trajectory(records, cfg.max_trajectory_chars, cfg.output_chars),
            diff=head_tail(rollout.patch, cfg.max_diff_chars),
            word_budget=cfg.max_summary_tokens * 3 // 5,
        )
        return ModelRequest(
            system=render_prompt("summary_system.jinja"),
            messages=(Message(role="user", content=(TextBlock(text=user),)),),
            tools=(SUMMARY_TOOL,),
            force_tool=SUMMARY_TOOL.name,
            max_tokens=cfg.max_output_tokens,
            temperature=0.0,
        )


def _records(rollout: Rollout) -> list[AnyRecord]:
    if not rollout.trajectory_path:
        return []
    path = Path(rollout.trajectory_path)
    return read_trajectory(path) if path.is_file() else []
