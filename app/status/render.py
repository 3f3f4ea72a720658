"""Renders the status comment, PR body, check run, candidates, explanation and help."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from app.status.bracket import mermaid_bracket
from app.status.cross import cross_outcome, cross_sentence
from app.status.outcome import explain_outcome
from app.status.templates import render
from app.status.tracker import RunTracker
from scaling.result import RunResult


class CheckOutput(BaseModel):
    """The `output` of a check run."""

    model_config = ConfigDict(frozen=True)

    conclusion: str
    title: str
    summary: str
    text: str


def cell(value: object) -> str:
    """Text safe inside one Markdown table cell."""
    return str(value).replace("|", "\\|").replace("\n", " ").strip()


def render_status(tracker: RunTracker) -> str:
    """The one status comment of a run (the caller adds the hidden marker)."""
    final = tracker.finished.winner if tracker.finished else None
    return render(
        "status.md.jinja",
        t=tracker,
        rollouts=sorted(tracker.rollouts.values(), key=lambda r: (r.round, r.id)),
        bracket=mermaid_bracket(tracker.matches, final),
        cell=cell,
    )


def render_pr_body(
    issue: int, result: RunResult, marker: str = "", run_url: str | None = None
) -> str:
    """The PR description: the winner's summary, test evidence, selection, cost, `Closes #N`."""
    winner = result.winner.rollout_id if result.winner else None
    gate = next((g for g in result.gates if g.rollout_id == winner), None)
    holdout = next((h for h in result.holdouts if h.rollout_id == winner), None)
    return render(
        "pr_body.md.jinja",
        issue=issue,
        r=result,
        s=result.summary,
        gate=gate,
        holdout=holdout,
        bracket=mermaid_bracket(result.matches, winner),
        marker=marker,
        cell=cell,
        winner=winner,
        run_url=run_url,
        cross=cross_sentence(result),
        outcome=cross_outcome,
    )


def render_check(result: RunResult) -> CheckOutput:
    """The check run on the PR head: gate evidence for every candidate."""
    passed = sum(1 for g in result.gates if g.passed)
    conclusion = "success" if result.status == "resolved" else "neutral"
    title = f"{passed} of {len(result.gates)} candidates passed their test gate"
    summary, _ = explain_outcome(result)
    cross = cross_sentence(result)
    text = render("check.md.jinja", r=result, cell=cell, cross=cross, outcome=cross_outcome)
    return CheckOutput(conclusion=conclusion, title=title, summary=summary, text=text)


def render_candidates(result: RunResult) -> str:
    """The numbered candidate list `/autofix pick <n>` refers to."""
    return render("candidates.md.jinja", r=result, cell=cell)


def render_explain(result: RunResult) -> str:
    """How the winner was chosen, or why nothing was."""
    why, advice = explain_outcome(result)
    winner = result.winner.rollout_id if result.winner else None
    return render(
        "explain.md.jinja",
        r=result,
        why=why,
        advice=advice,
        bracket=mermaid_bracket(result.matches, winner),
        cell=cell,
    )


def render_help(problem: str | None = None, label: str = "autofix") -> str:
    """The command reference, led by what was wrong with the command, if anything."""
    return render("help.md.jinja", problem=problem, label=label)


def render_notice(kind: str, **context: object) -> str:
    """A short one-off comment (refusals, config errors, cancellations)."""
    return render(f"notice_{kind}.md.jinja", **context)
