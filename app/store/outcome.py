"""Storing a finished engine run: its `RunResult` whole, plus the columns queries filter on.

Everything about rollouts, gates, the tournament and summaries is read back from the result
(`Store.get_result`); only the winner, the totals and each candidate's patch get their own place.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.store.rollouts import patch, record_patch
from app.store.runs import run_row
from scaling.result import RunResult


def record_result(session: Session, run_id: int, result: RunResult) -> None:
    """Store what the engine decided; the run's status is left to the caller."""
    run = run_row(session, run_id)
    run.result = result.model_dump(mode="json")
    run.winner_rollout_id = result.winner.rollout_id if result.winner else None
    run.input_tokens, run.output_tokens = result.input_tokens, result.output_tokens
    run.cost_usd = result.cost_usd
    if result.winner is None:
        return
    # The winner's patch is in the result; keep it with the others if it was not recorded live.
    winner = result.winner.rollout_id
    if patch(session, run_id, winner) is None:
        record_patch(session, run_id, winner, result.patch)


def load_result(session: Session, run_id: int) -> RunResult | None:
    data = run_row(session, run_id).result
    return None if data is None else RunResult.model_validate(data)
