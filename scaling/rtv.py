"""Recursive Tournament Voting: groups of G candidates, V shuffled judge votes per match."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from scaling.config import Estimate
from scaling.events import BudgetSkipped, Event, MatchDecided
from scaling.issue import Issue
from scaling.ledger import Ledger, Reservation
from scaling.protocols import Judge
from scaling.result import MatchRecord, SkipRecord, VoteRecord
from scaling.rollout import Usage
from scaling.stopping import is_decided, match_risk, next_wave
from scaling.tiebreak import Entry, break_tie
from scaling.vote import Vote

Purpose = Literal["select", "refine"]


@dataclass
class Ranking:
    """A tournament's full order (best first) and everything it cost."""

    order: list[str] = field(default_factory=list)
    matches: list[MatchRecord] = field(default_factory=list)
    skipped: list[SkipRecord] = field(default_factory=list)
    judge_calls: int = 0
    usage: Usage = field(default_factory=Usage)


def split_groups(items: Sequence[Entry], size: int) -> list[list[Entry]]:
    """As few groups as size allows, balanced; a group of one is a bye."""
    count = -(-len(items) // size)
    base, extra = divmod(len(items), count)
    groups: list[list[Entry]] = []
    start = 0
    for i in range(count):
        end = start + base + (1 if i < extra else 0)
        groups.append(list(items[start:end]))
        start = end
    return groups


@dataclass
class Tournament:
    """Ranks candidates by judge votes; the seed fixes every shuffle."""

    judge: Judge
    issue: Issue
    votes: int = 8
    group_size: int = 2
    seed: int = 0
    early_stop_risk: float = 0.0
    early_stop: bool = True
    ledger: Ledger | None = None
    vote_estimate: Estimate = field(default_factory=Estimate)
    emit: Callable[[Event], None] = lambda event: None

    async def rank(self, entries: Sequence[Entry], round: int, purpose: Purpose) -> Ranking:
        ranking = Ranking()
        rng = random.Random(f"{self.seed}:{purpose}:{round}:bracket")
        alive = list(entries)
        rng.shuffle(alive)
        # (stage eliminated, vote share in that match, entry): later and stronger ranks higher.
        out: list[tuple[int, float, Entry]] = []
        stage = 0
        while len(alive) > 1:
            groups = split_groups(alive, self.group_size)
            risk = match_risk(self.early_stop_risk, stage, final=len(groups) == 1)
            played = await asyncio.gather(
                *(
                    self._match(g, round, purpose, stage, risk, ranking)
                    for g in groups
                    if len(g) > 1
                )
            )
            results = iter(played)
            alive = []
            for group in groups:
                if len(group) == 1:
                    alive.append(group[0])
                    continue
                record = next(results)
                valid = sum(record.tally.values())
                for entry in group:
                    if entry.id == record.winner:
                        alive.append(entry)
                    else:
                        share = record.tally[entry.id] / valid if valid else 0.0
                        out.append((stage, share, entry))
            stage += 1
        out.sort(key=lambda item: (-item[0], -item[1], item[2].key()))
        ranking.order = [e.id for e in alive] + [e.id for _, _, e in out]
        return ranking

    async def _vote(self, order: list[Entry]) -> Vote:
        try:
            return await self.judge.vote(self.issue, [e.summary for e in order])
        except Exception as exc:  # a failed judge call is one invalid vote, not a failed run
            return Vote(choice=None, reason=f"judge call failed: {exc}", valid=False)

    def _decided(self, tally: dict[str, int], remaining: int, risk: float) -> bool:
        if remaining == 0:
            return True
        return self.early_stop and is_decided(list(tally.values()), remaining, risk, self.votes)

    async def _match(
        self,
        group: list[Entry],
        round: int,
        purpose: Purpose,
        stage: int,
        risk: float,
        ranking: Ranking,
    ) -> MatchRecord:
        ids = [e.id for e in group]
        rng = random.Random(f"{self.seed}:{purpose}:{round}:{stage}:{','.join(ids)}")
        tally = dict.fromkeys(ids, 0)
        records: list[VoteRecord] = []
        cast = 0
        budget_cut = False
        while not self._decided(tally, self.votes - cast, risk):
            remaining = self.votes - cast
            wave = (
                next_wave(list(tally.values()), remaining, risk, self.votes)
                if self.early_stop
                else remaining
            )
            held: list[Reservation | None] = []
            for _ in range(wave):
                hold = self.ledger.reserve(self.vote_estimate) if self.ledger else None
                if isinstance(hold, str):
                    what = f"votes {cast + len(held) + 1}-{self.votes} of match {'/'.join(ids)}"
                    ranking.skipped.append(SkipRecord(what=what, why=hold))
                    self.emit(BudgetSkipped(what=what, why=hold))
                    budget_cut = True
                    break
                held.append(hold)
            orders = [rng.sample(group, len(group)) for _ in held]
            answers = await asyncio.gather(*(self._vote(order) for order in orders))
            for hold, order, vote in zip(held, orders, answers, strict=True):
                if self.ledger is not None and hold is not None:
                    self.ledger.settle(hold, vote.usage)
                ranking.usage = ranking.usage + vote.usage
                ok = vote.valid and vote.choice is not None and 0 <= vote.choice < len(order)
                choice = order[vote.choice].id if ok and vote.choice is not None else None
                if choice is not None:
                    tally[choice] += 1
                records.append(
                    VoteRecord(
                        order=tuple(e.id for e in order),
                        choice=choice,
                        valid=choice is not None,
                        reason=vote.reason,
                        cost_usd=vote.usage.cost_usd,
                    )
                )
            cast += len(held)
            ranking.judge_calls += len(held)
            if budget_cut:
                break
        top = max(tally.values())
        leaders = [e for e in group if tally[e.id] == top]
        winner, tie_broken_by = break_tie(leaders)
        record = MatchRecord(
            round=round,
            purpose=purpose,
            stage=stage,
            candidates=tuple(ids),
            winner=winner.id,
            tally=tally,
            votes=tuple(records),
            invalid_votes=sum(1 for r in records if not r.valid),
            tie_broken_by=tie_broken_by,
            early_stopped=cast < self.votes and not budget_cut,
        )
        ranking.matches.append(record)
        self.emit(
            MatchDecided(
                round=round,
                purpose=purpose,
                stage=stage,
                candidates=ids,
                winner=winner.id,
                votes=tally,
                invalid_votes=record.invalid_votes,
                tie_broken_by=tie_broken_by,
                early_stopped=record.early_stopped,
            )
        )
        return record
