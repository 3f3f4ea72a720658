"""Refinement (Parallel-Distill-Refine): the K best summaries of a round seed the next one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from scaling.candidates import Candidate
from scaling.rollout import Rollout
from scaling.rtv import Purpose, Ranking
from scaling.state import RunState
from scaling.summary import RolloutSummary
from scaling.tiebreak import Entry

Rank = Callable[[list[Entry], int, Purpose], Awaitable[Ranking]]

# Ranks patchless rollouts below every candidate with a patch when refinement ties.
_NO_PATCH_FAILING = 10**9


async def distill(
    state: RunState,
    rollouts: Sequence[Rollout],
    candidates: Sequence[Candidate],
    round: int,
    k: int,
    rank: Rank,
) -> tuple[RolloutSummary, ...]:
    """The K summaries the next round is conditioned on, picked by a tournament when there
    are more than K: candidates' summaries first, then those of rollouts without a patch."""
    entries = [state.entry(c) for c in candidates if c.id in state.summaries]
    grouped = {r.rollout_id for c in candidates for r in c.rollouts}
    entries += [
        Entry(
            id=r.rollout_id,
            summary=state.summaries[r.rollout_id],
            failing=_NO_PATCH_FAILING,
            seq=(r.round, r.index),
        )
        for r in sorted(rollouts, key=lambda r: r.index)
        if r.rollout_id not in grouped and r.rollout_id in state.summaries
    ]
    if len(entries) > k:
        order = (await rank(entries, round, "refine")).order
    else:
        order = [e.id for e in sorted(entries, key=Entry.key)]
    by_id = {e.id: e.summary for e in entries}
    return tuple(by_id[i] for i in order[:k])
