"""Runs rounds of rollouts, gates, tournament, holdout and refinement for one issue."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence

from scaling.candidates import Candidate, dedupe
from scaling.checks import Checks
from scaling.config import EngineConfig
from scaling.cross import CrossChecks
from scaling.events import RunFinished
from scaling.generation import Generation
from scaling.holdout import HoldoutChecks
from scaling.issue import Issue
from scaling.ledger import Ledger
from scaling.protocols import EventSink, Judge, RolloutRunner, Summarizer, TestRunner
from scaling.refine import distill
from scaling.report import build_result, run_status
from scaling.result import BaselineRecord, RunResult
from scaling.rollout import Rollout, RolloutRequest
from scaling.rtv import Purpose, Ranking, Tournament
from scaling.state import RunState
from scaling.summary import RolloutSummary
from scaling.tiebreak import Entry


class Engine:
    """The test-time-scaling loop over the protocols the app provides."""

    def __init__(
        self,
        config: EngineConfig,
        runner: RolloutRunner,
        summarizer: Summarizer,
        judge: Judge,
        tests: TestRunner,
        events: EventSink,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self.runner = runner
        self.summarizer = summarizer
        self.judge = judge
        self.tests = tests
        self.events = events
        self.clock = clock

    async def run(
        self,
        issue: Issue,
        seeds: Sequence[RolloutSummary] = (),
        feedback: str | None = None,
    ) -> RunResult:
        """Everything the run decided; failures inside it are recorded, not raised.

        `seeds` condition round 0 as a previous round's best summaries would (a refinement of
        an earlier run); `feedback` from the maintainer reaches every rollout of the run.
        """
        state = RunState(ledger=Ledger(self.config.budget, self.clock), sink=self.events)
        runner = self.runner if feedback is None else _WithFeedback(self.runner, feedback)
        await _Run(self, state, issue, runner, tuple(seeds)).go()
        result = build_result(state, self.config.strategy, state.ledger.elapsed())
        result = result.model_copy(update={"issue": issue})
        winner = state.winner.id if state.winner else None
        self.events.emit(RunFinished(status=run_status(state), winner=winner))
        return result


class _NotReady(Exception):
    """The checks cannot run, so nothing can be gated or win; the message says why."""


class _WithFeedback:
    """Hands the maintainer's feedback to every rollout request."""

    def __init__(self, inner: RolloutRunner, feedback: str) -> None:
        self.inner = inner
        self.feedback = feedback

    async def run(self, request: RolloutRequest, issue: Issue, events: EventSink) -> Rollout:
        return await self.inner.run(
            request.model_copy(update={"feedback": self.feedback}), issue, events
        )


class _Run:
    """One run's control flow; state lives in RunState."""

    def __init__(
        self,
        engine: Engine,
        state: RunState,
        issue: Issue,
        runner: RolloutRunner,
        seeds: tuple[RolloutSummary, ...],
    ) -> None:
        self.config = engine.config
        self.engine = engine
        self.state = state
        self.issue = issue
        self.seeds = seeds
        self.generation = Generation(engine.config, runner, engine.summarizer, state)
        self.checks = Checks(engine.tests, state, engine.config.baseline_runs)
        self.holdout = HoldoutChecks(engine.tests, state)
        self.cross = CrossChecks(engine.tests, state, engine.config.estimates.tests)

    async def go(self) -> None:
        config = self.config
        rounds = config.rounds if config.strategy == "rtv" else 1
        count = 1 if config.strategy == "single" else config.rollouts
        prior = self.seeds
        baseline_task = asyncio.create_task(self._prepare_checks())
        baseline: BaselineRecord | None = None
        for round in range(rounds):
            if round > 0:
                why = self.generation.affordable()
                if why is not None:
                    self.state.skip(f"round {round}", why)
                    return
            rollouts = await self.generation.run(self.issue, round, count, prior)
            if baseline is None:
                try:
                    baseline = await baseline_task
                except _NotReady as exc:
                    self.state.error = str(exc)
                    return
            if rollouts is None:
                return
            candidates = dedupe(rollouts)
            self.state.candidates.extend(candidates)
            await asyncio.gather(*(self.checks.gate(c, baseline) for c in candidates))
            if await self._select(candidates, round):
                return
            if round + 1 < rounds:
                prior = await self._distill(rollouts, candidates, round)
        if self.state.rollouts and all(r.exit_status == "error" for r in self.state.rollouts):
            first = self.state.rollouts[0].error
            self.state.error = f"every rollout failed (first error: {first})"

    async def _prepare_checks(self) -> BaselineRecord:
        """The baseline, then the holdout's tests; both run on the unpatched code while the
        first round's rollouts work (in this order, so each run's seed is reproducible)."""
        try:
            baseline = await self.checks.baseline()
        except Exception as exc:  # without a baseline nothing can be gated
            raise _NotReady(f"the baseline test run failed: {exc}") from exc
        try:
            await self.holdout.learn()
        except Exception as exc:  # a holdout that checks nothing can pass nothing
            raise _NotReady(f"the holdout cannot be checked: {exc}") from exc
        return baseline

    async def _select(self, candidates: list[Candidate], round: int) -> bool:
        """Holdout-check gate-passers in selection order; True once one passes."""
        gates = self.state.gates
        passers = [c for c in candidates if c.id in gates and gates[c.id].passed]
        if not passers:
            return False
        if self.config.strategy == "rtv" and len(passers) > 1:
            entries = [self.state.entry(c) for c in passers]
            ranking = await self._rank(entries, round, "select")
            by_id = {c.id: c for c in passers}
            passers = [by_id[i] for i in ranking.order]
        self.state.orders.append(tuple(c.id for c in passers))
        # Evidence for maintainers only; it leaves the order the holdout goes through alone.
        await self.cross.check(passers[: self.config.cross_finalists])
        for candidate in passers:
            # Budgets fail closed: a holdout the clock cannot cover is skipped, so nothing wins.
            why = self.state.ledger.refusal(self.config.estimates.tests)
            if why is not None:
                self.state.skip(f"holdout of {candidate.id}", why)
                return False
            if (await self.holdout.check(candidate)).passed:
                self.state.winner = candidate
                return True
        return False

    async def _distill(
        self, rollouts: list[Rollout], candidates: list[Candidate], round: int
    ) -> tuple[RolloutSummary, ...]:
        if self.generation.affordable() is not None:
            return ()  # the next round cannot start; it records the skip itself
        return await distill(
            self.state, rollouts, candidates, round, self.config.refine_with, self._rank
        )

    async def _rank(self, entries: list[Entry], round: int, purpose: Purpose) -> Ranking:
        config = self.config
        tournament = Tournament(
            judge=self.engine.judge,
            issue=self.issue,
            votes=config.votes,
            group_size=config.group_size,
            seed=config.seed,
            early_stop_risk=config.early_stop_risk,
            ledger=self.state.ledger,
            vote_estimate=config.estimates.vote,
            emit=self.state.emit,
        )
        ranking = await tournament.rank(entries, round, purpose)
        state = self.state
        state.matches.extend(ranking.matches)
        state.skipped.extend(ranking.skipped)
        state.judge_calls += ranking.judge_calls
        # Judge calls are counted once, by judge_calls; keep them out of usage.calls.
        state.usage = state.usage + ranking.usage.model_copy(update={"calls": 0})
        return ranking
