"""Typical inputs for store tests: run requests, rollouts and summaries."""

from __future__ import annotations

from app.store import NewRun
from scaling.rollout import Rollout, Usage
from scaling.summary import Change, RolloutSummary

REPO = "octo/widgets"


def new_run(issue: int = 7, delivery: str = "d-1", **overrides: object) -> NewRun:
    """A labeled-issue run request for `octo/widgets`."""
    fields: dict[str, object] = {
        "repo": REPO,
        "installation_id": 42,
        "issue_number": issue,
        "trigger": "label",
        "delivery_id": delivery,
    }
    return NewRun.model_validate(fields | overrides)


def rollout(rollout_id: str, round: int = 0, index: int = 0, patch: str = "") -> Rollout:
    return Rollout(
        rollout_id=rollout_id,
        round=round,
        index=index,
        exit_status="submitted",
        patch=patch or f"--- a/calc.py\n+++ b/calc.py\n@@ -1 +1 @@\n-x\n+{rollout_id}\n",
        steps=12,
        usage=Usage(input_tokens=1000, output_tokens=200, cost_usd=0.25, calls=12),
        wall_s=31.5,
        trajectory_path=f"/var/lib/autofix/trajectories/{rollout_id}.json",
    )


def summary(rollout_id: str, *, fallback: bool = False) -> RolloutSummary:
    return RolloutSummary(
        rollout_id=rollout_id,
        approach=f"Rollout {rollout_id} fixes the median of even-length lists.",
        changes=(Change(path="calc/stats.py", what="average the middle pair", why="issue #7"),),
        risks=("Empty input still raises.",),
        confidence=0.8,
        fallback=fallback,
    )
