"""What `autofix solve` leaves in its output directory."""

from __future__ import annotations

import json
from pathlib import Path

from app.status.cross import cross_outcome, cross_sentence
from app.summary.markdown import render_markdown
from scaling.result import RunResult


def write_outputs(out: Path, result: RunResult) -> None:
    """result.json (the contract), patch.diff (the winner's, empty if none), summary.md."""
    out.mkdir(parents=True, exist_ok=True)
    payload = result.model_dump(mode="json")
    (out / "result.json").write_text(json.dumps(payload, indent=2) + "\n")
    (out / "patch.diff").write_text(result.patch if result.winner else "")
    (out / "summary.md").write_text(summary_markdown(result))


def summary_markdown(result: RunResult) -> str:
    """A human account of the run: the outcome, the winner's summary, every rollout."""
    lines = [f"# autofix: {result.status}", ""]
    if result.winner is not None:
        lines.append(
            f"Winner: rollout `{result.winner.rollout_id}` from round {result.winner.round}."
        )
    elif result.error:
        lines.append(f"The run failed: {result.error}")
    else:
        lines.append("No candidate passed the tests and the holdout check.")
    lines += [
        "",
        f"{len(result.rollouts)} rollouts over {result.rounds} round(s), "
        f"{result.llm_calls} LLM calls ({result.judge_calls} judge votes), "
        f"${result.cost_usd:.4f}, {result.wall_s:.0f}s.",
        "",
    ]
    if result.summary is not None:
        lines += [render_markdown(result.summary, heading_level=2).rstrip(), ""]
    lines += [
        "## Rollouts",
        "",
        "| rollout | round | exit | gate | holdout |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {r.id} | {r.round} | {r.exit_status} | {r.gate} | {r.holdout} |"
        for r in result.rollouts
    ]
    if result.cross_checks:
        lines += ["", "## Cross-checks", "", cross_sentence(result), ""]
        lines += [
            f"- `{c.candidate}` with tests from `{c.tests_from}`: {cross_outcome(c)}"
            for c in result.cross_checks
        ]
    for skip in result.skipped:
        lines.append(f"\nSkipped {skip.what}: {skip.why}")
    return "\n".join(lines) + "\n"
