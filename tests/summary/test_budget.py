"""Summaries are trimmed deterministically into their token budget."""

from __future__ import annotations

import pytest

from app.summary import fit_to_budget, render_markdown, summary_tokens
from scaling.summary import Change, Evidence, RolloutSummary


def big() -> RolloutSummary:
    return RolloutSummary(
        rollout_id="r",
        approach="Long approach. " * 400,
        changes=tuple(Change(path=f"f{i}.py", what="w" * 300, why="y" * 300) for i in range(40)),
        evidence=tuple(Evidence(command=f"c{i}", result="r" * 200) for i in range(60)),
        risks=tuple(f"risk {i} " * 30 for i in range(30)),
    )


@pytest.mark.parametrize("budget", [300, 600, 1200, 4000])
def test_fits_any_budget_and_is_deterministic(budget: int) -> None:
    fitted = fit_to_budget(big(), budget)
    assert summary_tokens(fitted) <= budget
    assert fitted == fit_to_budget(big(), budget)
    assert fitted.approach.startswith("Long approach.")
    assert len(render_markdown(fitted)) // 4 <= budget


def test_a_summary_that_fits_is_untouched() -> None:
    small = RolloutSummary(approach="Short.", risks=("one",))
    assert fit_to_budget(small, 300) is small


def test_later_items_go_before_earlier_ones() -> None:
    fitted = fit_to_budget(big(), 1200)
    commands = [e.command for e in fitted.evidence]
    assert commands == [f"c{i}" for i in range(len(commands))]
