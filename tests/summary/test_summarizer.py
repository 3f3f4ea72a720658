"""LLMSummarizer through the real SDK: valid summaries, budgets, compression and fallbacks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.llm.anthropic import AnthropicModel
from app.summary import LLMSummarizer, SummaryConfig, summary_tokens
from app.summary.schema import SUMMARY_TOOL
from scaling.issue import Issue
from scaling.summary import RolloutSummary
from tests.fakes.anthropic_server import (
    FakeAnthropic,
    FakeReply,
    api_error,
    malformed_tool_use,
    text,
    tool_use,
)
from tests.summary.conftest import rollout_with

ISSUE = Issue(title="median() is wrong for even input", body="median([1,2,3,4]) gives 3.")
COMMANDS = [
    ("cat calc/stats.py", 0, "def median(values):\n    ..."),
    ("python3 -m pytest -q", 1, "F..\n1 failed, 2 passed in 0.05s"),
    ("sed -i 's/x/y/' calc/stats.py", 0, ""),
    ("python3 -m pytest -q", 0, "....\n4 passed in 0.04s"),
]
GOOD: dict[str, Any] = {
    "approach": "Average the two middle values when the input has an even length.",
    "hypotheses": [
        {"hypothesis": "median ignores even lengths", "outcome": "confirmed", "detail": "3 != 2.5"}
    ],
    "locations": [{"path": "calc/stats.py", "symbol": "median", "why": "the bug"}],
    "changes": [{"path": "calc/stats.py", "what": "even branch", "why": "correct median"}],
    "evidence": [{"command": "python3 -m pytest -q", "result": "4 passed", "passed": True}],
    "failure_modes": [],
    "risks": ["Integer inputs now give floats for even lengths."],
    "confidence": 0.9,
}


async def test_a_valid_summary_is_kept_with_stats_from_code(
    fake_anthropic: FakeAnthropic, model: AnthropicModel, tmp_path: Path
) -> None:
    # The model's own patch_stats and rollout_id are never trusted.
    fake_anthropic.enqueue(tool_use("summary", GOOD))
    report = await LLMSummarizer(model, test_command="python3 -m pytest -q").report(
        rollout_with(tmp_path, COMMANDS), ISSUE
    )

    summary = report.summary
    assert not summary.fallback and report.fallback_reason is None
    assert summary.rollout_id == "r1" and summary.approach == GOOD["approach"]
    assert summary.patch_stats.files_changed == 2 and summary.patch_stats.insertions == 7
    assert summary.patch_stats.deletions == 1 and summary.patch_stats.test_files_changed == 1
    assert report.usage.calls == 1 and report.usage.cost_usd > 0
    assert report.compression_ratio == report.trajectory_tokens / report.summary_tokens
    request = fake_anthropic.requests[0]
    assert request.forced_tool == "summary"
    assert "4 passed in 0.04s" in request.first_user_text and "+    if len(ordered)" in (
        request.first_user_text
    )


def test_the_tool_schema_leaves_code_fields_out() -> None:
    schema = SUMMARY_TOOL.input_schema
    assert schema["type"] == "object" and "$defs" not in str(schema)
    assert set(schema["properties"]) == set(GOOD)
    assert not {"rollout_id", "fallback", "patch_stats"} & set(schema["properties"])


async def test_a_very_long_trajectory_stays_bounded(
    fake_anthropic: FakeAnthropic, model: AnthropicModel, tmp_path: Path
) -> None:
    noisy = [(f"python3 -m pytest -q -k case{i}", i % 2, "E" * 20_000) for i in range(300)]
    bloated = {
        **GOOD,
        "approach": "word " * 5_000,
        "evidence": [
            {"command": f"cmd {i}", "result": "r" * 500, "passed": None} for i in range(200)
        ],
        "risks": ["risk " * 100] * 100,
    }
    fake_anthropic.enqueue(tool_use("summary", bloated))
    config = SummaryConfig(max_summary_tokens=800, max_trajectory_chars=30_000)
    report = await LLMSummarizer(model, config).report(rollout_with(tmp_path, noisy), ISSUE)

    assert not report.summary.fallback
    assert report.summary_tokens <= 800 == config.max_summary_tokens
    assert summary_tokens(report.summary) == report.summary_tokens
    RolloutSummary.model_validate(report.summary.model_dump())
    assert len(fake_anthropic.requests[0].first_user_text) < 30_000 + 25_000
    assert report.trajectory_tokens > 1_000_000 and report.compression_ratio > 1_000
    # The measurement travels with the summary (result.json, the store, progress lines).
    assert report.summary.trajectory_tokens == report.trajectory_tokens
    assert report.summary.compression_ratio == report.compression_ratio


@pytest.mark.parametrize(
    "reply",
    [
        pytest.param(text("Here is my summary: it went well."), id="no-tool-call"),
        pytest.param(tool_use("summary", {"approach": 5, "confidence": 7}), id="schema-invalid"),
        pytest.param(tool_use("summary", {**GOOD, "mood": "great"}), id="unknown-field"),
        pytest.param(malformed_tool_use("summary"), id="not-json"),
        pytest.param(api_error(400, "invalid_request_error", "bad"), id="provider-error"),
    ],
)
async def test_garbage_falls_back_to_the_trajectory(
    fake_anthropic: FakeAnthropic, model: AnthropicModel, tmp_path: Path, reply: FakeReply
) -> None:
    fake_anthropic.enqueue(reply)
    summarizer = LLMSummarizer(model, test_command="python3 -m pytest -q")
    report = await summarizer.report(rollout_with(tmp_path, COMMANDS), ISSUE)

    summary = report.summary
    assert summary.fallback and report.fallback_reason
    assert summary.fallback_reason == report.fallback_reason
    assert summary.rollout_id == "r1" and summary.confidence == 0.0
    assert [(e.command, e.passed) for e in summary.evidence] == [
        ("python3 -m pytest -q", False),
        ("python3 -m pytest -q", True),
    ]
    assert (
        "4 passed" in summary.evidence[-1].result and "exit code 0" in summary.evidence[-1].result
    )
    assert [c.path for c in summary.changes] == ["calc/stats.py", "tests/test_even.py"]
    assert summary.patch_stats.files_changed == 2
    assert report.summary_tokens <= SummaryConfig().max_summary_tokens


async def test_fallback_without_a_trajectory_file(
    fake_anthropic: FakeAnthropic, model: AnthropicModel, tmp_path: Path
) -> None:
    fake_anthropic.enqueue(text("no"))
    rollout = rollout_with(tmp_path, [], exit_status="step_limit").model_copy(
        update={"trajectory_path": str(tmp_path / "missing.jsonl")}
    )
    summary, usage = await LLMSummarizer(model).summarize(rollout, ISSUE)

    assert summary.fallback and usage.calls == 1
    # What the engine keeps (and the stored result shows) says why the model's summary is absent.
    assert summary.fallback_reason and "SummaryRejected" in summary.fallback_reason
    assert any("step_limit" in risk for risk in summary.risks)
    assert any("No test run" in risk for risk in summary.risks)
