"""A live run's progress, handed from the worker to the dashboard through Redis.

The worker writes a snapshot of its tracker whenever the status comment changes; the
dashboard's event stream reads it. Snapshots expire on their own: a finished run's page reads
the stored result instead.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, ValidationError
from redis.asyncio import Redis

from app.status.tracker import RunTracker

KEY = "autofix:live:{run_id}"
TTL_S = 6 * 3600


class _Snapshot(BaseModel):
    model_config = ConfigDict(frozen=True)


class LiveRollout(_Snapshot):
    id: str
    round: int
    state: str
    steps: int
    last_command: str
    cost_usd: float
    gate: str
    holdout: str


class LiveMatch(_Snapshot):
    round: int
    stage: int
    candidates: tuple[str, ...]
    winner: str
    votes: dict[str, int]


class LiveProgress(_Snapshot):
    """What a running run has done so far, as the status comment shows it."""

    phase: str
    spend_usd: float
    budget_usd: float | None
    baseline: str | None
    rollouts: tuple[LiveRollout, ...]
    matches: tuple[LiveMatch, ...]
    skipped: tuple[str, ...]
    outcome: str

    @classmethod
    def of(cls, tracker: RunTracker) -> LiveProgress:
        baseline = tracker.baseline
        return cls(
            phase=tracker.phase,
            spend_usd=tracker.spend_usd,
            budget_usd=tracker.budget_usd,
            baseline=(
                f"{baseline.passing} passing, {len(baseline.flaky)} flaky, "
                f"{len(baseline.preexisting)} failing before any change"
                if baseline
                else None
            ),
            rollouts=tuple(
                LiveRollout(
                    id=r.id,
                    round=r.round,
                    state=r.state,
                    steps=r.steps,
                    last_command=r.last_command[:200],
                    cost_usd=r.cost_usd,
                    gate=r.gate,
                    holdout=r.holdout,
                )
                for r in sorted(tracker.rollouts.values(), key=lambda r: (r.round, r.id))
            ),
            matches=tuple(
                LiveMatch(
                    round=m.round,
                    stage=m.stage,
                    candidates=tuple(m.candidates),
                    winner=m.winner,
                    votes=m.votes,
                )
                for m in tracker.matches
            ),
            skipped=tuple(f"{s.what}: {s.why}" for s in tracker.skipped),
            outcome=tracker.outcome,
        )


class LiveBoard:
    """Snapshots of live runs, one Redis key each."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def publish(self, run_id: int, tracker: RunTracker) -> None:
        snapshot = LiveProgress.of(tracker).model_dump_json()
        await self.redis.set(KEY.format(run_id=run_id), snapshot, ex=TTL_S)

    async def read(self, run_id: int) -> LiveProgress | None:
        raw = await self.redis.get(KEY.format(run_id=run_id))
        if raw is None:
            return None
        try:
            return LiveProgress.model_validate_json(raw)
        except ValidationError:
            return None
