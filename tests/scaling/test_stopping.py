"""The early-stopping rule for tournament matches, alone and inside a tournament."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from scaling.issue import Issue
from scaling.rtv import Tournament
from scaling.stopping import FIRST_STAGE_RISK, is_decided, keep_worse_chance, match_risk, next_wave
from scaling.summary import RolloutSummary
from scaling.tiebreak import Entry
from scaling.vote import Vote
from tests.fakes.scaling import GarbageJudge, ScoringJudge

ISSUE = Issue(title="median is wrong", body="median([3, 1, 2]) returns 3")


def pair() -> list[Entry]:
    return [
        Entry(id=f"c{i}", summary=RolloutSummary(rollout_id=f"c{i}", approach=""), seq=(0, i))
        for i in range(2)
    ]


class AlternatingJudge:
    """Votes c0, c1, c0, c1, ... whatever the order shown: a match the judge cannot call."""

    def __init__(self) -> None:
        self.calls = 0

    async def vote(self, issue: Issue, candidates: Sequence[RolloutSummary]) -> Vote:
        want = f"c{self.calls % 2}"
        self.calls += 1
        return Vote(choice=[c.rollout_id for c in candidates].index(want))


class SecondVoteDissentsJudge:
    """Votes for the higher-numbered candidate, except each pair's second vote: 3-1 after four."""

    def __init__(self) -> None:
        self.calls = 0
        self.seen: dict[frozenset[str], int] = {}

    async def vote(self, issue: Issue, candidates: Sequence[RolloutSummary]) -> Vote:
        self.calls += 1
        ids = [c.rollout_id for c in candidates]
        nth = self.seen[frozenset(ids)] = self.seen.get(frozenset(ids), 0) + 1
        want = min(ids) if nth == 2 else max(ids)
        return Vote(choice=ids.index(want))


def stops(votes: int, risk: float) -> set[tuple[int, int]]:
    return {
        (lead, cast - lead)
        for cast in range(votes)
        for lead in range((cast + 1) // 2, cast + 1)
        if is_decided([lead, cast - lead], votes - cast, risk, votes)
    }


def test_a_certain_leader_stops_even_without_risk() -> None:
    assert is_decided([5, 0], 3, 0.0, 8)
    assert is_decided([4, 1, 0], 2, 0.0, 7)
    assert not is_decided([4, 0], 4, 0.0, 8)  # 4-4 is still possible
    assert next_wave([0, 0], 8, 0.0, 8) == 5


@pytest.mark.parametrize("votes", [3, 5, 8, 12])
def test_without_risk_only_certain_matches_stop(votes: int) -> None:
    certain = {
        (lead, cast - lead)
        for cast in range(votes)
        for lead in range(cast + 1)
        if lead > (cast - lead) + (votes - cast)
    }
    assert stops(votes, 0.0) == certain
    # With any risk at all, a vote that can only turn a lead into a coin-flip tie is skipped.
    if votes % 2:
        assert stops(votes, 1e-9) == certain
    else:
        assert certain < stops(votes, 1e-9)


def test_a_one_sided_match_stops_early_and_a_split_one_does_not() -> None:
    assert is_decided([3, 0], 5, 0.05, 8)
    assert not is_decided([2, 2], 4, 0.05, 8)
    assert not is_decided([1, 0], 7, 0.05, 8)
    # The eighth vote can only turn 4-3 into a coin-flip tie, so it is never worth asking for.
    assert is_decided([4, 3], 1, 0.01, 8)


def test_more_risk_never_means_more_votes() -> None:
    for votes in (4, 8, 12):
        previous: set[tuple[int, int]] = set()
        for risk in (0.0, 0.01, 0.03, 0.05, 0.06, 0.08, 0.15, 0.3):
            now = stops(votes, risk)
            assert previous <= now
            previous = now


def test_every_rival_must_be_settled() -> None:
    assert is_decided([3, 0], 5, 0.05, 8)
    assert not is_decided([3, 0, 2], 3, 0.05, 8)


def test_waves_never_skip_a_state_where_the_match_would_stop() -> None:
    for risk in (0.0, 0.05, 0.06, 0.2):
        for lead, trail in {(0, 0), *stops(8, 1.0)}:
            left = 8 - lead - trail
            if left == 0 or is_decided([lead, trail], left, risk, 8):
                continue
            wave = next_wave([lead, trail], left, risk, 8)
            for extra in range(1, wave):
                for x in range(extra + 1):
                    assert not is_decided([lead + x, trail + extra - x], left - extra, risk, 8)


def test_losing_the_better_candidate_is_likelier_the_closer_the_votes() -> None:
    assert keep_worse_chance(0, 0) == pytest.approx(0.25)
    assert keep_worse_chance(3, 0) < keep_worse_chance(3, 1) < keep_worse_chance(2, 1) < 0.25


async def test_a_decided_match_stops_after_three_votes() -> None:
    judge = ScoringJudge(lambda s: float(s.rollout_id[1:]))
    ranking = await Tournament(judge=judge, issue=ISSUE, early_stop_risk=0.05).rank(
        pair(), 0, "select"
    )
    (match,) = ranking.matches
    assert (match.winner, match.tally, match.early_stopped) == ("c1", {"c0": 0, "c1": 3}, True)
    assert judge.calls == len(match.votes) == 3


@pytest.mark.parametrize("risk", [0.05, 0.06])
async def test_a_close_match_uses_more_votes_but_never_the_useless_last_one(risk: float) -> None:
    judge = AlternatingJudge()
    ranking = await Tournament(judge=judge, issue=ISSUE, early_stop_risk=risk).rank(
        pair(), 0, "select"
    )
    (match,) = ranking.matches
    assert len(match.votes) == judge.calls == 7
    assert match.tally == {"c0": 4, "c1": 3} and match.winner == "c0"
    assert match.tie_broken_by is None and match.early_stopped


async def test_a_garbage_judge_spends_its_votes_then_falls_back_to_the_tie_break() -> None:
    judge = GarbageJudge()
    ranking = await Tournament(judge=judge, issue=ISSUE, early_stop_risk=0.06).rank(
        pair(), 0, "select"
    )
    (match,) = ranking.matches
    assert judge.calls == len(match.votes) == match.invalid_votes == 8
    assert (match.winner, match.tie_broken_by, match.early_stopped) == ("c0", "rollout_id", False)


def test_the_first_stage_may_spend_more_risk_and_the_final_never_does() -> None:
    assert match_risk(0.04, 0, final=False) == pytest.approx(0.04 * FIRST_STAGE_RISK)
    assert match_risk(0.04, 0, final=True) == match_risk(0.04, 1, final=False) == 0.04
    assert match_risk(0.04, 2, final=True) == 0.04 and match_risk(0.0, 0, final=False) == 0.0
    # At the default risk that is the difference between stopping at 3-1 and voting on.
    first, final = match_risk(0.04, 0, final=False), match_risk(0.04, 0, final=True)
    assert is_decided([3, 1], 4, first, 8) and not is_decided([3, 1], 4, final, 8)


async def test_first_stage_matches_stop_at_3_1_and_the_final_votes_on() -> None:
    judge = SecondVoteDissentsJudge()
    entries = [
        Entry(id=f"c{i}", summary=RolloutSummary(rollout_id=f"c{i}", approach=""), seq=(0, i))
        for i in range(4)
    ]
    ranking = await Tournament(judge=judge, issue=ISSUE, early_stop_risk=0.04).rank(
        entries, 0, "select"
    )
    assert ranking.order[0] == "c3"
    by_stage = sorted((m.stage, len(m.votes), max(m.tally.values())) for m in ranking.matches)
    assert by_stage == [(0, 4, 3), (0, 4, 3), (1, 5, 4)]
    assert judge.calls == ranking.judge_calls == 13
    assert all(m.early_stopped and m.tie_broken_by is None for m in ranking.matches)
