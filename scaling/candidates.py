"""Distinct patches: rollouts whose patches match (ignoring whitespace) form one candidate."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from scaling.diff import FileDiff, normalized_key, parse_diff
from scaling.result import GateResult, HoldoutResult
from scaling.rollout import Rollout
from scaling.summary import RolloutSummary
from scaling.tiebreak import Entry


@dataclass
class Candidate:
    """One distinct patch, the rollouts that produced it, and what the gates made of it."""

    key: str
    rollouts: list[Rollout]
    files: list[FileDiff]
    gate: GateResult | None = None
    holdout: HoldoutResult | None = None
    summary: RolloutSummary | None = field(default=None, repr=False)

    @property
    def id(self) -> str:
        return self.rollouts[0].rollout_id

    @property
    def round(self) -> int:
        return self.rollouts[0].round

    @property
    def patch(self) -> str:
        return self.rollouts[0].patch

    def entry(self) -> Entry:
        gate = self.gate
        first = self.rollouts[0]
        return Entry(
            id=self.id,
            summary=self.summary or RolloutSummary(rollout_id=self.id, approach=""),
            reproduced=gate.reproduced if gate else None,
            failing=gate.failing if gate else 0,
            diff_lines=gate.diff_lines if gate else sum(len(f.added) for f in self.files),
            seq=(first.round, first.index),
        )


def dedupe(rollouts: Sequence[Rollout]) -> list[Candidate]:
    """Candidates in order of first appearance; rollouts without a patch are left out."""
    by_key: dict[str, Candidate] = {}
    for rollout in rollouts:
        if not rollout.patch.strip():
            continue
        key = normalized_key(rollout.patch)
        if key in by_key:
            by_key[key].rollouts.append(rollout)
        else:
            by_key[key] = Candidate(key=key, rollouts=[rollout], files=parse_diff(rollout.patch))
    return list(by_key.values())
