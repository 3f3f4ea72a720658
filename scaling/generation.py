"""Runs one round of rollouts, each followed by its summary, within the budget."""

from __future__ import annotations

import asyncio

from scaling.config import EngineConfig
from scaling.events import RolloutFinished, RolloutStarted, RoundStarted, SummaryReady
from scaling.issue import Issue
from scaling.ledger import Reservation, total_estimate
from scaling.protocols import RolloutRunner, Summarizer
from scaling.rollout import Rollout, RolloutRequest, Usage
from scaling.state import RunState
from scaling.summary import RolloutSummary


def fallback_summary(rollout: Rollout, why: str) -> RolloutSummary:
    """A summary built from facts alone, when the summarizer could not produce one."""
    return RolloutSummary(
        rollout_id=rollout.rollout_id,
        approach=f"No summary available ({why}). Exit status: {rollout.exit_status}.",
        fallback=True,
        fallback_reason=why,
    )


class Generation:
    """Starts the rollouts of a round that the budget can cover, then summarises each."""

    def __init__(
        self, config: EngineConfig, runner: RolloutRunner, summarizer: Summarizer, state: RunState
    ) -> None:
        self.config = config
        self.runner = runner
        self.summarizer = summarizer
        self.state = state

    def affordable(self) -> str | None:
        """Why not even one more rollout fits, or None."""
        e = self.config.estimates
        return self.state.ledger.refusal(total_estimate(e.rollout, e.summary, e.tests))

    async def run(
        self, issue: Issue, round: int, count: int, prior: tuple[RolloutSummary, ...]
    ) -> list[Rollout] | None:
        """The round's rollouts, or None when the budget allowed none to start."""
        e = self.config.estimates
        started: list[tuple[RolloutRequest, Reservation]] = []
        for index in range(count):
            rollout_id = f"r{round}-{index}"
            hold = self.state.ledger.reserve(total_estimate(e.rollout, e.summary, e.tests))
            if isinstance(hold, str):
                self.state.skip(f"rollout {rollout_id}", hold)
                continue
            hints = self.config.hints if self.config.approach_hints else ()
            request = RolloutRequest(
                rollout_id=rollout_id,
                round=round,
                index=index,
                prior_summaries=prior,
                approach_hint=hints[(round * count + index) % len(hints)] if hints else None,
                max_cost_usd=e.rollout.usd,
            )
            started.append((request, hold))
        if not started:
            self.state.skip(f"round {round}", "no rollout fits in the remaining budget")
            return None
        self.state.rounds += 1
        self.state.emit(
            RoundStarted(
                round=round,
                rollouts=len(started),
                conditioned_on=[s.rollout_id for s in prior],
            )
        )
        return list(await asyncio.gather(*(self._one(issue, r, h) for r, h in started)))

    async def _one(self, issue: Issue, request: RolloutRequest, hold: Reservation) -> Rollout:
        state = self.state
        state.emit(RolloutStarted(rollout_id=request.rollout_id, round=request.round))
        charged = Usage()
        try:
            rollout = await self.runner.run(request, issue, state.sink)
            charged = rollout.usage
        except Exception as exc:  # one failed rollout is a recorded result, never a failed batch
            rollout = Rollout(
                rollout_id=request.rollout_id,
                round=request.round,
                index=request.index,
                exit_status="error",
                patch="",
                steps=0,
                error=f"{type(exc).__name__}: {exc}",
            )
            # Its spend is unknown: book the estimate so the budget stays closed.
            charged = Usage(cost_usd=hold.usd, input_tokens=hold.tokens)
        state.usage = state.usage + rollout.usage
        state.rollouts.append(rollout)
        state.emit(
            RolloutFinished(
                rollout_id=rollout.rollout_id,
                exit_status=rollout.exit_status,
                steps=rollout.steps,
                cost_usd=rollout.usage.cost_usd,
            )
        )
        if rollout.exit_status != "error":
            try:
                summary, used = await self.summarizer.summarize(rollout, issue)
                summary = summary.model_copy(update={"rollout_id": rollout.rollout_id})
            except Exception as exc:  # the run goes on with a fact-only summary
                summary, used = fallback_summary(rollout, f"summarizer failed: {exc}"), Usage()
            charged = charged + used
            state.usage = state.usage + used
            state.summaries[rollout.rollout_id] = summary
            state.emit(
                SummaryReady(
                    rollout_id=rollout.rollout_id,
                    fallback=summary.fallback,
                    compression_ratio=round(summary.compression_ratio, 1),
                    approach=summary.approach[:200],
                )
            )
        state.ledger.settle(hold, charged)
        return rollout
