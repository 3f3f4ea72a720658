"""Structured, bounded summaries of rollouts, and their markdown for people."""

from __future__ import annotations

from app.summary.budget import fit_to_budget, summary_tokens
from app.summary.fallback import summary_from_trajectory
from app.summary.markdown import render_markdown
from app.summary.patch_stats import patch_stats
from app.summary.summarizer import LLMSummarizer, SummaryConfig, SummaryReport

__all__ = [
    "LLMSummarizer",
    "SummaryConfig",
    "SummaryReport",
    "fit_to_budget",
    "patch_stats",
    "render_markdown",
    "summary_from_trajectory",
    "summary_tokens",
]
