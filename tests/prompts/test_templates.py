"""Every prompt template renders, strictly, with the context its caller gives it."""

from __future__ import annotations

from typing import Any

import jinja2
import pytest

from app.agent.config import PromptOptions
from app.agent.prompt import GuidanceFile, render_system, render_task
from app.prompts import render_prompt, template_names
from app.summary.markdown import inline_code
from app.trajectory import Observation
from scaling.issue import Issue
from scaling.rollout import RolloutRequest
from scaling.summary import Evidence, RolloutSummary

ISSUE = Issue(title="Crash on empty input", body="Steps: run `calc`.", comments=("Also 0.",))
SUMMARY = RolloutSummary(
    approach="Guard the empty case.",
    evidence=(Evidence(command="pytest", result="1 failed", passed=False),),
    failure_modes=("Tried catching ValueError; tests still failed.",),
)

CONTEXTS: dict[str, dict[str, Any]] = {
    "agent_system.jinja": {},
    "agent_task.jinja": {
        "issue": ISSUE,
        "guidance": [GuidanceFile(path="AGENTS.md", text="Use tabs.", truncated=True)],
        "test_command": "pytest -q",
        "prior_summaries": ["### Approach\n\nGuard it."],
        "approach_hint": "Look at the parser.",
        "feedback": "Keep the public API.",
    },
    "agent_observation.jinja": {
        "obs": Observation(
            tool_use_id="t", command="ls", exit_code=2, output="boom", truncated_bytes=10,
            timed_out=True,
        )
    },
    "agent_format_error.jinja": {"problems": ["the answer contained no tool call"]},
    "summary_system.jinja": {},
    "summary_user.jinja": {
        "issue": ISSUE, "exit_status": "submitted", "steps": 3, "trajectory": "### Step 1",
        "diff": "diff --git a/x b/x", "word_budget": 700,
    },
    "summary_markdown.jinja": {"s": SUMMARY, "h": "##", "code": inline_code},
    "judge_system.jinja": {},
    "judge_user.jinja": {
        "issue": ISSUE,
        "candidates": [{"label": "A", "summary": "x"}, {"label": "B", "summary": "y"}],
    },
}  # fmt: skip


def test_every_template_has_a_context_here() -> None:
    assert sorted(CONTEXTS) == template_names()


@pytest.mark.parametrize("name", sorted(CONTEXTS))
def test_template_renders(name: str) -> None:
    out = render_prompt(name, **CONTEXTS[name])
    assert out.strip() and "{{" not in out and "{%" not in out


@pytest.mark.parametrize("name", [n for n, ctx in sorted(CONTEXTS.items()) if ctx])
def test_a_missing_variable_is_an_error(name: str) -> None:
    with pytest.raises(jinja2.UndefinedError):
        render_prompt(name)


def test_task_prompt_has_every_part_and_caps_prior_summaries() -> None:
    request = RolloutRequest(
        rollout_id="r", round=1, index=0, prior_summaries=(SUMMARY, SUMMARY, SUMMARY),
        approach_hint="Check the \u200bparser.", feedback="Keep <!-- secret --> the API.",
    )  # fmt: skip
    guidance = [GuidanceFile(path="CLAUDE.md", text="Run make test.")]
    task = render_task(ISSUE, request, guidance, "make test", PromptOptions(max_prior_summaries=2))
    assert "# Issue: Crash on empty input" in task and "Also 0." in task
    assert "## CLAUDE.md" in task and "make test" in task
    assert task.count("Guard the empty case.") == 2 and "## Proposal 2" in task
    assert "# The current proposal" in task and "Earlier attempts" not in task
    assert "Tried catching ValueError" in task
    assert "Check the parser." in task and "Keep  the API." in task and "secret" not in task
    assert "submit" in render_system()


def test_a_refinement_round_without_feedback_learns_from_earlier_attempts() -> None:
    request = RolloutRequest(rollout_id="r", round=1, index=0, prior_summaries=(SUMMARY,))
    task = render_task(ISSUE, request, [], "make test", PromptOptions())
    assert "# Earlier attempts" in task and "## Attempt 1" in task
    assert "current proposal" not in task and "Feedback" not in task


def test_a_first_round_prompt_has_no_refinement_sections() -> None:
    request = RolloutRequest(rollout_id="r", round=0, index=0)
    task = render_task(Issue(title="t", body=""), request, [], None, PromptOptions())
    assert "Earlier attempts" not in task and "Feedback" not in task
    assert "Repository guidance" not in task and "did not configure a test command" in task
