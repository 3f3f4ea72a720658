"""When a tournament match may stop collecting votes.

A match is decided for certain once no distribution of the remaining votes can change its
leader. With a risk tolerance above zero it is treated as a small Bayesian decision problem.
Each vote goes to one candidate of a pair with a fixed chance p. Under the prior, the two are
equally good (p = 1/2, and then either pick is fine) or one is better and wins each shuffled
vote with chance q, for a few judge accuracies q. Stopping keeps the current leader (a level
match goes to the evidence tie-break, which the rule assumes knows nothing); the loss is the
posterior chance that the other candidate was the better one. Every vote is charged
`risk / votes`, so a match gives up at most about `risk` chance of keeping the better
candidate. Backward induction over the remaining votes gives the optimal rule: stop as soon
as no way of continuing is expected to save more loss than its votes cost. That spends few
votes on one-sided matches and on matches between candidates the judge cannot tell apart
late in the match, and more on close matches whose outcome is still open.

Stakes differ by stage (`match_risk`). A mistake in the final is the pick itself. A mistake
in the first stage, between raw candidates, changes the pick only if the lost candidate
would have won every later match and nothing as good came through elsewhere: on the
selection benchmark's model that is about half of them in a pool of 4 and a tenth in a pool
of 16. The first stage also holds half of all matches, so it is where votes are cheapest to
save. It may therefore spend FIRST_STAGE_RISK times the risk; later stages and the final keep
the configured risk. The factor is modest on purpose: the first stage's many small mistakes
add up (its matches together carry about as much stake as the final), and on the benchmark
a factor of 2 or more loses over a point of accuracy. The whole path of the pick is bounded
by (stages + FIRST_STAGE_RISK - 1) * risk.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

# Chance that the better of two candidates gets a shuffled vote, when they differ in quality.
JUDGE_ACCURACIES = (0.6, 0.7, 0.8, 0.9)
# Prior chance that the two candidates of a match are equally good.
PRIOR_EQUAL = 0.5
# How many times the configured risk a first-stage match (not the final) may spend.
FIRST_STAGE_RISK = 1.5

# (chance a vote goes to the leader, prior weight, +1 leader better / -1 worse / 0 equal)
_Hypothesis = tuple[float, float, int]


def _hypotheses(equal: float, accuracies: tuple[float, ...]) -> tuple[_Hypothesis, ...]:
    share = (1 - equal) / (2 * len(accuracies))
    found: list[_Hypothesis] = [(0.5, equal, 0)]
    for q in accuracies:
        found += [(q, share, 1), (1 - q, share, -1)]
    return tuple(found)


def _posterior(hyps: tuple[_Hypothesis, ...], lead: int, trail: int) -> list[float]:
    weights = [w * p**lead * (1 - p) ** trail for p, w, _ in hyps]
    total = sum(weights)
    return [w / total for w in weights]


def match_risk(risk: float, stage: int, final: bool) -> float:
    """The risk one match may spend: more in the first stage, where mistakes matter least."""
    return risk * FIRST_STAGE_RISK if stage == 0 and not final else risk


def keep_worse_chance(lead: int, trail: int) -> float:
    """Posterior chance that stopping at lead:trail keeps the worse of two candidates."""
    return _stop_loss(_hypotheses(PRIOR_EQUAL, JUDGE_ACCURACIES), lead, trail)


def _stop_loss(hyps: tuple[_Hypothesis, ...], lead: int, trail: int) -> float:
    post = _posterior(hyps, lead, trail)
    if lead > trail:
        return sum(w for w, (_, _, better) in zip(post, hyps, strict=True) if better < 0)
    # A level match goes to the tie-break, which is as likely to pick either.
    return 0.5 * sum(w for w, (_, _, better) in zip(post, hyps, strict=True) if better != 0)


@lru_cache(maxsize=65536)
def _should_stop(
    lead: int, trail: int, remaining: int, cost: float, hyps: tuple[_Hypothesis, ...]
) -> tuple[float, bool]:
    """(expected loss plus vote costs under the best policy, whether that policy stops now)."""
    if lead < trail:
        lead, trail = trail, lead
    stop = _stop_loss(hyps, lead, trail)
    if remaining == 0 or lead > trail + remaining:
        return stop, True
    post = _posterior(hyps, lead, trail)
    to_lead = sum(w * p for w, (p, _, _) in zip(post, hyps, strict=True))
    after_lead = _should_stop(lead + 1, trail, remaining - 1, cost, hyps)[0]
    after_trail = _should_stop(lead, trail + 1, remaining - 1, cost, hyps)[0]
    go_on = cost + to_lead * after_lead + (1 - to_lead) * after_trail
    return min(stop, go_on), stop <= go_on


def is_decided(counts: Sequence[int], remaining: int, risk: float, votes: int) -> bool:
    """True when the match should stop: its leader is certain, or more votes are not worth it.

    `votes` is the match's whole budget V (each vote costs risk / V). With several rivals the
    leader is checked against each of them pairwise, and all of those pairs must stop.
    """
    if not counts:
        return True
    order = sorted(counts, reverse=True)
    leader, rivals = order[0], order[1:]
    if not rivals or remaining <= 0 or leader > rivals[0] + remaining:
        return True
    if risk <= 0:
        return False
    hyps = _hypotheses(PRIOR_EQUAL, JUDGE_ACCURACIES)
    cost = risk / max(votes, 1)
    return all(_should_stop(leader, c, remaining, cost, hyps)[1] for c in rivals)


def next_wave(counts: Sequence[int], remaining: int, risk: float, votes: int) -> int:
    """Fewest further votes after which the match could stop; asking for fewer never stops it.

    Every split of the wave between the leader and the runner-up is considered, so casting a
    wave never skips a state where one-at-a-time voting would have stopped (for pairs).
    """
    order = sorted(counts, reverse=True)
    for extra in range(1, remaining + 1):
        for to_leader in range(extra + 1):
            hopeful = list(order) or [0]
            hopeful[0] += to_leader
            if len(hopeful) > 1:
                hopeful[1] += extra - to_leader
            if is_decided(hopeful, remaining - extra, risk, votes):
                return extra
    return remaining
