"""Budget bookkeeping that fails closed: work starts only if its estimate still fits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from scaling.config import Budget, Estimate
from scaling.rollout import Usage


@dataclass(frozen=True)
class Reservation:
    """Budget held for work in flight until its real usage is known."""

    usd: float
    tokens: int


class Ledger:
    """Tracks spend plus what in-flight work may still spend, against the run's budget."""

    def __init__(self, budget: Budget, clock: Callable[[], float]) -> None:
        self.budget = budget
        self.clock = clock
        self.started = clock()
        self.spent = Usage()
        self._held_usd = 0.0
        self._held_tokens = 0

    def elapsed(self) -> float:
        return self.clock() - self.started

    def refusal(self, estimate: Estimate) -> str | None:
        """Why `estimate` cannot start now, or None if it fits."""
        b = self.budget
        if b.usd is not None:
            left = b.usd - self.spent.cost_usd - self._held_usd
            if estimate.usd > left + 1e-9:
                return f"needs ~${estimate.usd:.2f}, ${max(left, 0):.2f} of ${b.usd:.2f} left"
        if b.tokens is not None:
            used = self.spent.input_tokens + self.spent.output_tokens + self._held_tokens
            if estimate.tokens > b.tokens - used:
                return f"needs ~{estimate.tokens} tokens, {max(b.tokens - used, 0)} left"
        if b.wall_s is not None:
            left_s = b.wall_s - self.elapsed()
            if estimate.wall_s > left_s:
                return (
                    f"needs ~{estimate.wall_s:.0f}s, {max(left_s, 0):.0f}s of {b.wall_s:.0f}s left"
                )
        return None

    def reserve(self, estimate: Estimate) -> Reservation | str:
        """Hold the estimate, or say why it does not fit."""
        why = self.refusal(estimate)
        if why is not None:
            return why
        self._held_usd += estimate.usd
        self._held_tokens += estimate.tokens
        return Reservation(usd=estimate.usd, tokens=estimate.tokens)

    def settle(self, reservation: Reservation, usage: Usage) -> None:
        """Release the hold and book what was really spent."""
        self._held_usd -= reservation.usd
        self._held_tokens -= reservation.tokens
        self.spent = self.spent + usage


def total_estimate(*estimates: Estimate) -> Estimate:
    """Work done in sequence: costs and durations add up."""
    return Estimate(
        usd=sum(e.usd for e in estimates),
        tokens=sum(e.tokens for e in estimates),
        wall_s=sum(e.wall_s for e in estimates),
    )
