from __future__ import annotations

from app.status.bracket import mermaid_bracket
from app.status.render import (
    render_candidates,
    render_check,
    render_explain,
    render_help,
    render_notice,
    render_pr_body,
    render_status,
)
from app.status.tracker import RunTracker
from scaling.events import (
    BaselineDone,
    CrossChecked,
    GateDecided,
    MatchDecided,
    RolloutFinished,
    RolloutStarted,
    RolloutStep,
    RoundStarted,
    RunFinished,
)
from scaling.result import (
    BaselineRecord,
    CandidateRecord,
    GateResult,
    HoldoutResult,
    MatchRecord,
    RunResult,
    Winner,
)
from scaling.summary import Change, RolloutSummary


def _match(stage: int, a: str, b: str, winner: str) -> MatchRecord:
    return MatchRecord(
        round=0,
        purpose="select",
        stage=stage,
        candidates=(a, b),
        winner=winner,
        tally={a: 3 if winner == a else 1, b: 3 if winner == b else 1},
    )


def _result(resolved: bool = True) -> RunResult:
    summary = RolloutSummary(
        rollout_id="r0-1",
        approach="Average the two middle values for even-sized input.",
        changes=(Change(path="calc/stats.py", what="fixed median", why="even case"),),
    )
    return RunResult(
        status="resolved" if resolved else "unresolved",
        winner=Winner(rollout_id="r0-1", round=0) if resolved else None,
        rounds=1,
        baseline=BaselineRecord(runs=2, passing=("t1", "t2"), flaky=("t3",)),
        candidates=tuple(
            CandidateRecord(
                id=f"c{i}",
                round=0,
                rollout_ids=(f"r0-{i}",),
                count=1,
                patch_sha256="s",
                gate="passed" if resolved and i < 2 else "failed",
            )
            for i in range(4)
        ),
        gates=tuple(
            GateResult(
                rollout_id=f"r0-{i}",
                passed=resolved and i < 2,
                reasons=() if resolved and i < 2 else ("tests/test_stats.py::test_odd fails",),
            )
            for i in range(4)
        ),
        holdouts=(HoldoutResult(rollout_id="r0-1", passed=True),) if resolved else (),
        matches=(_match(0, "r0-0", "r0-1", "r0-1"),) if resolved else (),
        summary=summary if resolved else None,
        cost_usd=1.234,
        llm_calls=12,
        judge_calls=3,
    )


def test_pr_body_has_summary_evidence_bracket_cost_and_closes() -> None:
    body = render_pr_body(7, _result())
    assert "Closes #7" in body
    assert "Average the two middle values" in body and "`calc/stats.py`" in body
    assert "Baseline (unpatched, 2 runs): 2 passing, 1 flaky" in body
    assert "Holdout (tests no rollout saw): passed" in body
    assert "```mermaid\nflowchart LR" in body and "winner: r0-1" in body
    assert "$1.23" in body


def test_bracket_links_winners_into_later_matches() -> None:
    chart = mermaid_bracket(
        [_match(0, "a", "b", "b"), _match(0, "c", "d", "c"), _match(1, "b", "c", "b")], "b"
    )
    assert "m0 ==> m2" in chart and "m1 --> m2" in chart and "m2 ==> winner" in chart
    assert mermaid_bracket([], None) == ""


def test_status_comment_shows_rollouts_gates_bracket_spend_and_pr() -> None:
    tracker = RunTracker(budget_usd=5.0)
    for event in (
        RoundStarted(round=0, rollouts=2),
        BaselineDone(runs=2, parsed=True, passing=10, flaky=["t9"]),
        RolloutStarted(rollout_id="r0-0", round=0),
        RolloutStep(rollout_id="r0-0", step=4, command="python -m pytest | tail"),
        RolloutFinished(rollout_id="r0-0", exit_status="submitted", steps=4, cost_usd=0.5),
        GateDecided(rollout_id="r0-0", passed=False, reasons=["t1 fails"]),
        MatchDecided(
            round=0,
            purpose="select",
            stage=0,
            candidates=["r0-0", "r0-1"],
            winner="r0-1",
            votes={"r0-0": 1, "r0-1": 2},
        ),
        RunFinished(status="resolved", winner="r0-1"),
    ):
        tracker.emit(event)
    tracker.pr_url = "https://github.test/o/r/pull/9"
    text = render_status(tracker)
    assert "`r0-0`" in text and "failed: t1 fails" in text
    assert "python -m pytest \\| tail" in text, "pipes are escaped inside table cells"
    assert "10 passing tests, 1 flaky" in text
    assert "$0.50 of $5.00" in text and "pull/9" in text and "```mermaid" in text
    assert "Cross-checks" not in text, "nothing to show before finalists are cross-checked"


def test_status_comment_shows_cross_checks_as_they_finish() -> None:
    tracker = RunTracker()
    tracker.emit(CrossChecked(rollout_id="r0-1", tests_from="r0-2", status="passed"))
    tracker.emit(
        CrossChecked(
            rollout_id="r0-2", tests_from="r0-1", status="failed", failures=["t::odd|even"]
        )
    )
    tracker.emit(CrossChecked(rollout_id="r0-3", tests_from="r0-1", status="not_applicable"))
    text = render_status(tracker)
    assert "`r0-1` with tests from `r0-2`: passed" in text
    assert "`r0-2` with tests from `r0-1`: failed (t::odd\\|even)" in text
    assert "`r0-3` with tests from `r0-1`: not applicable" in text


def test_unresolved_run_explains_why_and_what_to_try() -> None:
    result = _result(resolved=False)
    text = render_explain(result)
    assert "None of the 4 candidates passed" in text and "test_odd fails" in text
    assert "/autofix retry" in text
    check = render_check(result)
    assert check.conclusion == "neutral" and "0 of 4" in check.title


def test_candidates_help_and_notices_render() -> None:
    assert "| 2 | `c1` | 0 | passed |" in render_candidates(_result())
    help_text = render_help("`frob` is not an autofix command.", label="fix-me")
    assert help_text.startswith("`frob`") and "`fix-me` label" in help_text
    for name in ("retry", "refine", "candidates", "pick", "explain", "status", "cancel"):
        assert f"/autofix {name}" in help_text
    assert "write access" in render_notice("refused", sender="eve", action="label")
    config = render_notice("config", problems=["unknown key `votez` on line 2"])
    assert "`votez` on line 2" in config
