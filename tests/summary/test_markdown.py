"""Markdown for people."""

from __future__ import annotations

from app.summary import render_markdown
from app.summary.markdown import inline_code
from scaling.summary import Change, Evidence, Hypothesis, PatchStats, RolloutSummary


def test_sections_appear_only_when_filled() -> None:
    summary = RolloutSummary(
        approach="Average the middle pair.",
        changes=(Change(path="calc/stats.py", what="even branch", why="correct median"),),
        evidence=(Evidence(command="pytest -q", result="4 passed", passed=True),),
        hypotheses=(Hypothesis(hypothesis="off by one", outcome="rejected"),),
        patch_stats=PatchStats(files_changed=1, insertions=3, deletions=1),
        confidence=0.8,
    )
    md = render_markdown(summary, heading_level=3)
    assert md.startswith("### Approach\n\nAverage the middle pair.")
    assert "- `calc/stats.py`: even branch — correct median" in md
    assert "- passed: `pytest -q` — 4 passed" in md
    assert "**rejected**: off by one" in md
    assert "80%" in md and "+3 −1" in md
    assert "Risks" not in md and "Dead ends" not in md and "automatically" not in md
    assert "\n\n\n" not in md


def test_fallback_is_flagged() -> None:
    assert "built automatically" in render_markdown(RolloutSummary(approach="x", fallback=True))


def test_inline_code_survives_backticks() -> None:
    assert inline_code("ls") == "`ls`"
    assert inline_code("echo `date`") == "`` echo `date` ``"
    assert inline_code("a\n  b") == "`a b`"
