"""Progress rendering, the issue file, and what `autofix solve` writes (no Docker)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from app.solve.issue_file import IssueFileError, parse_issue_markdown
from app.solve.output import write_outputs
from app.solve.progress import ProgressView
from scaling.events import (
    BaselineDone,
    CrossChecked,
    Event,
    GateDecided,
    HoldoutDecided,
    MatchDecided,
    RolloutFinished,
    RolloutStarted,
    RolloutStep,
    RoundStarted,
    RunFinished,
)
from scaling.result import RolloutRecord, RunResult, Winner
from scaling.summary import RolloutSummary

EVENTS: list[Event] = [
    RoundStarted(round=1, rollouts=2, conditioned_on=["r0-0", "r0-1"]),
    RolloutStarted(rollout_id="r1-0", round=1),
    RolloutStep(rollout_id="r1-0", step=1, command="python3 -m pytest -q\nsecond line"),
    RolloutFinished(rollout_id="r1-0", exit_status="submitted", steps=3, cost_usd=0.25),
    BaselineDone(runs=2, parsed=True, passing=3, flaky=["t::flaky"]),
    GateDecided(rollout_id="r1-0", passed=False, tamper=["skip added: tests/t.py"]),
    MatchDecided(
        round=1,
        purpose="select",
        stage=0,
        candidates=["r1-0", "r1-1"],
        winner="r1-1",
        votes={"r1-0": 0, "r1-1": 2},
    ),
    CrossChecked(rollout_id="r1-1", tests_from="r1-0", status="failed", failures=["t::a"]),
    HoldoutDecided(rollout_id="r1-1", passed=True),
    RunFinished(status="resolved", winner="r1-1"),
]


def test_plain_output_has_one_line_per_event() -> None:
    buffer = io.StringIO()
    with ProgressView(Console(file=buffer, force_terminal=False, width=200)) as view:
        for event in EVENTS:
            view.emit(event)
    lines = buffer.getvalue().splitlines()
    assert lines[0] == "round 1: 2 rollouts, refining r0-0, r0-1"
    assert lines.count("r1-0: started") == 1
    assert "r1-0 step 1: python3 -m pytest -q" in lines
    assert "r1-0: submitted after 3 steps ($0.2500; spent $0.2500)" in lines
    assert "gate r1-0: flagged (skip added: tests/t.py)" in lines
    assert "match r1 select stage 0: r1-0 vs r1-1 -> r1-1 (r1-0 0, r1-1 2)" in lines
    assert "cross-check r1-1 with tests from r1-0: failed (t::a)" in lines
    assert "holdout r1-1: passed" in lines
    assert lines[-1] == "run resolved, winner r1-1; spent $0.2500 on rollouts"


def test_terminal_output_is_a_live_table() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=160)
    with ProgressView(console) as view:
        for event in EVENTS:
            view.emit(event)
    table = Console(file=io.StringIO(), width=160)
    table.print(view.render())
    text = table.file.getvalue()  # type: ignore[attr-defined]
    assert "r1-0" in text and "flagged" in text and "submitted" in text
    assert "python3 -m pytest -q" in text and "spent $0.2500" in text


def test_issue_title_is_the_first_heading() -> None:
    issue = parse_issue_markdown("Intro\n\n# median() is wrong\n\nDetails.\n", "i.md")
    assert issue.title == "median() is wrong"
    assert issue.body == "Intro\n\n\nDetails."


@pytest.mark.parametrize("text", ["", "no heading here\n", "## only level two\n"])
def test_issue_without_a_title_is_refused(text: str) -> None:
    with pytest.raises(IssueFileError, match=r"i\.md"):
        parse_issue_markdown(text, "i.md")


def test_outputs_follow_the_contract(tmp_path: Path) -> None:
    result = RunResult(
        status="resolved",
        winner=Winner(rollout_id="r0-1", round=0),
        rollouts=(
            RolloutRecord(
                id="r0-1",
                round=0,
                exit_status="submitted",
                gate="passed",
                holdout="passed",
                patch_sha256="ab",
            ),
        ),
        rounds=1,
        patch="diff --git a/x b/x\n",
        summary=RolloutSummary(rollout_id="r0-1", approach="Average the middle pair."),
    )
    write_outputs(tmp_path / "out", result)
    data = json.loads((tmp_path / "out" / "result.json").read_text())
    assert data["winner"] == {"rollout_id": "r0-1", "round": 0}
    assert data["rollouts"][0]["gate"] == "passed"
    assert (tmp_path / "out" / "patch.diff").read_text() == "diff --git a/x b/x\n"
    summary = (tmp_path / "out" / "summary.md").read_text()
    assert "Winner: rollout `r0-1`" in summary and "Average the middle pair." in summary


def test_unresolved_run_writes_an_empty_patch(tmp_path: Path) -> None:
    write_outputs(tmp_path, RunResult(status="unresolved", patch="diff --git a/x b/x\n"))
    assert (tmp_path / "patch.diff").read_text() == ""
    assert "No candidate passed" in (tmp_path / "summary.md").read_text()
