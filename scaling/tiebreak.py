"""Deterministic evidence that orders candidates when votes do not."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scaling.summary import RolloutSummary

# The order in which evidence breaks a tie; the recorded name is the one that decided it.
CRITERIA = ("reproduction", "failing_tests", "diff_size", "rollout_id")


@dataclass(frozen=True)
class Entry:
    """A tournament candidate: its summary plus the evidence used to break ties."""

    id: str
    summary: RolloutSummary
    reproduced: bool | None = None
    failing: int = 0
    diff_lines: int = 0
    # Creation order (round, index) of its first rollout; the final, always-distinct criterion.
    seq: tuple[int, int] = (0, 0)

    def key(self) -> tuple[int, int, int, tuple[int, int]]:
        return (0 if self.reproduced else 1, self.failing, self.diff_lines, self.seq)


def break_tie(leaders: Sequence[Entry]) -> tuple[Entry, str | None]:
    """The best of tied leaders, and which criterion separated it (None if there was no tie)."""
    ranked = sorted(leaders, key=Entry.key)
    if len(ranked) == 1:
        return ranked[0], None
    first, second = ranked[0].key(), ranked[1].key()
    decided_by = next(
        (name for name, a, b in zip(CRITERIA, first, second, strict=True) if a != b), CRITERIA[-1]
    )
    return ranked[0], decided_by
