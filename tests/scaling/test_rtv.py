"""Recursive tournament voting with accurate, biased and garbage judges."""

from __future__ import annotations

import random
from collections.abc import Sequence

import pytest

from scaling.config import Budget, Estimate
from scaling.issue import Issue
from scaling.ledger import Ledger
from scaling.protocols import Judge
from scaling.rollout import Usage
from scaling.rtv import Tournament, split_groups
from scaling.summary import RolloutSummary
from scaling.tiebreak import Entry, break_tie
from scaling.vote import Vote
from tests.fakes.scaling import FirstPositionJudge, GarbageJudge, ScoringJudge, marker_judge

ISSUE = Issue(title="median is wrong", body="median([3, 1, 2]) returns 3")


def entries(n: int, good: int) -> list[Entry]:
    return [
        Entry(
            id=f"c{i}",
            summary=RolloutSummary(rollout_id=f"c{i}", approach="GOOD" if i == good else "meh"),
            diff_lines=10 + i,
            seq=(0, i),
        )
        for i in range(n)
    ]


def tournament(judge: Judge, **kwargs: object) -> Tournament:
    return Tournament(judge=judge, issue=ISSUE, **kwargs)  # type: ignore[arg-type]


class LeaningJudge:
    """Votes for the first candidate shown with probability `lean`, otherwise for the right one."""

    def __init__(self, lean: float, seed: int) -> None:
        self.lean = lean
        self.rng = random.Random(seed)

    async def vote(self, issue: Issue, candidates: Sequence[RolloutSummary]) -> Vote:
        if self.rng.random() < self.lean:
            return Vote(choice=0)
        return Vote(choice=next(i for i, c in enumerate(candidates) if c.approach == "GOOD"))


@pytest.mark.parametrize("n", [2, 3, 4, 5, 8])
async def test_accurate_judge_selects_the_good_candidate(n: int) -> None:
    ranking = await tournament(marker_judge("GOOD")).rank(entries(n, good=n - 1), 0, "select")
    assert ranking.order[0] == f"c{n - 1}"
    assert sorted(ranking.order) == sorted(f"c{i}" for i in range(n))
    assert len(ranking.matches) == n - 1


async def test_always_first_judge_is_neutralised_by_shuffling() -> None:
    judge = FirstPositionJudge()
    ranking = await tournament(judge, votes=8, early_stop=False).rank(entries(2, 0), 0, "select")
    (match,) = ranking.matches
    # Every vote went to whatever was shown first, yet neither candidate got them all.
    assert all(v.choice == v.order[0] for v in match.votes)
    assert 0 < match.tally["c0"] < 8
    assert {v.order[0] for v in match.votes} == {"c0", "c1"}


@pytest.mark.parametrize("good", [0, 1, 2, 3])
async def test_position_leaning_judge_still_finds_the_good_candidate(good: int) -> None:
    wins = 0
    for seed in range(10):
        t = tournament(LeaningJudge(lean=0.5, seed=seed), votes=8, seed=seed)
        wins += (await t.rank(entries(4, good), 0, "select")).order[0] == f"c{good}"
    assert wins >= 8


async def test_garbage_judge_falls_back_to_evidence_and_records_every_vote() -> None:
    cands = entries(2, good=0)
    cands[1] = Entry(id="c1", summary=cands[1].summary, reproduced=True, diff_lines=99, seq=(0, 1))
    judge = GarbageJudge()
    ranking = await tournament(judge, votes=6).rank(cands, 0, "select")
    (match,) = ranking.matches
    assert match.winner == "c1"
    assert match.tie_broken_by == "reproduction"
    assert match.invalid_votes == 6 == len(match.votes) == judge.calls == ranking.judge_calls
    assert all(v.choice is None and not v.valid for v in match.votes)
    assert any("judge call failed" in v.reason for v in match.votes)


@pytest.mark.parametrize(
    ("early_stop", "risk", "calls_per_match"), [(False, 0.0, 8), (True, 0.0, 5), (True, 0.04, 3)]
)
async def test_early_stop_counts_only_the_votes_made(
    early_stop: bool, risk: float, calls_per_match: int
) -> None:
    # A judge with a strict preference (higher number wins), so every match is one-sided.
    judge = ScoringJudge(lambda s: float(s.rollout_id[1:]))
    t = tournament(judge, votes=8, early_stop=early_stop, early_stop_risk=risk)
    ranking = await t.rank(entries(4, good=2), 0, "select")
    assert ranking.order[0] == "c3"
    assert ranking.judge_calls == judge.calls == 3 * calls_per_match
    assert all(len(m.votes) == calls_per_match for m in ranking.matches)
    assert all(m.early_stopped == (calls_per_match < 8) for m in ranking.matches)


async def test_budget_stops_votes_and_records_the_skip() -> None:
    ledger = Ledger(Budget(usd=0.10, wall_s=None), clock=lambda: 0.0)
    judge = ScoringJudge(lambda s: s.approach == "GOOD", usage=Usage(cost_usd=0.03))
    t = tournament(judge, votes=8, ledger=ledger, vote_estimate=Estimate(usd=0.03))
    ranking = await t.rank(entries(2, good=1), 0, "select")
    assert judge.calls == 3  # 3 x $0.03 fits in $0.10, a fourth would not
    assert ranking.order[0] == "c1"
    assert ranking.skipped and "votes 4-8" in ranking.skipped[0].what


def test_ties_are_broken_by_reproduction_then_failures_then_size_then_id() -> None:
    s = RolloutSummary(approach="")
    a = Entry(id="a", summary=s, reproduced=None, failing=0, diff_lines=5, seq=(0, 0))
    b = Entry(id="b", summary=s, reproduced=True, failing=3, diff_lines=50, seq=(0, 1))
    c = Entry(id="c", summary=s, reproduced=None, failing=1, diff_lines=1, seq=(0, 2))
    d = Entry(id="d", summary=s, reproduced=None, failing=0, diff_lines=5, seq=(0, 3))
    assert break_tie([a, b]) == (b, "reproduction")
    assert break_tie([a, c]) == (a, "failing_tests")
    assert break_tie([c, Entry(id="e", summary=s, failing=1, diff_lines=9, seq=(0, 4))]) == (
        c,
        "diff_size",
    )
    assert break_tie([d, a]) == (a, "rollout_id")
    assert break_tie([d]) == (d, None)


def test_groups_are_balanced_with_byes_last() -> None:
    sizes = [len(g) for g in split_groups(entries(5, 0), 2)]
    assert sizes == [2, 2, 1]
    assert [len(g) for g in split_groups(entries(7, 0), 3)] == [3, 2, 2]
