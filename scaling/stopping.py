"""When a tournament match may stop collecting votes.

A match is decided for certain once no distribution of the remaining votes can change its
leader. With a risk tolerance above zero it may stop earlier: for each challenger, the chance
that it draws level or overtakes is the Beta-binomial predictive probability under a uniform
prior on its head-to-head share with the leader, given the votes so far. Their sum (a union
bound, so conservative) must not exceed the tolerance.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from math import comb, exp, lgamma


def _log_beta(a: float, b: float) -> float:
    return lgamma(a) + lgamma(b) - lgamma(a + b)


@lru_cache(maxsize=4096)
def catch_up_chance(leader: int, challenger: int, remaining: int) -> float:
    """P(challenger ends level with or ahead of leader) if all remaining votes go to the two."""
    if challenger + remaining < leader:
        return 0.0
    total = 0.0
    base = _log_beta(challenger + 1, leader + 1)
    for x in range(remaining + 1):
        if challenger + x >= leader + remaining - x:
            log_p = _log_beta(x + challenger + 1, remaining - x + leader + 1) - base
            total += comb(remaining, x) * exp(log_p)
    return min(total, 1.0)


def is_decided(counts: Sequence[int], remaining: int, risk: float) -> bool:
    """True when the current leader will (or, within `risk`, almost surely will) win the match."""
    if not counts:
        return True
    order = sorted(counts, reverse=True)
    leader = order[0]
    rivals = order[1:]
    if not rivals or leader > rivals[0] + remaining:
        return True
    if risk <= 0 or leader == rivals[0]:
        return False
    return sum(catch_up_chance(leader, c, remaining) for c in rivals) <= risk


def next_wave(counts: Sequence[int], remaining: int, risk: float) -> int:
    """Fewest further votes that could decide the match; asking for fewer can never finish it."""
    for extra in range(1, remaining + 1):
        best = max(counts) + extra if counts else extra
        hopeful = [best, *sorted(counts, reverse=True)[1:]]
        if is_decided(hopeful, remaining - extra, risk):
            return extra
    return remaining
