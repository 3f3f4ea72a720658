"""Distinct patches: rollouts whose patches match (ignoring whitespace) form one candidate."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from scaling.diff import FileDiff, normalized_key, parse_diff
from scaling.result import GateResult
from scaling.rollout import Rollout
from scaling.summary import RolloutSummary
from scaling.tiebreak import Entry


@dataclass(frozen=True, eq=False)
class Candidate:
    """One distinct patch and the rollouts that produced it; what the checks made of it are
    records the run state holds (`RunState.gates`, `RunState.holdouts`)."""

    key: str
    rollouts: list[Rollout]
    files: list[FileDiff] = field(repr=False)

    @property
    def id(self) -> str:
        return self.rollouts[0].rollout_id

    @property
    def round(self) -> int:
        return self.rollouts[0].round

    @property
    def patch(self) -> str:
        return self.rollouts[0].patch

    def entry(self, gate: GateResult | None, summary: RolloutSummary | None) -> Entry:
        """This candidate as the tournament and its tie-breaks see it."""
        first = self.rollouts[0]
        return Entry(
            id=self.id,
            summary=summary or RolloutSummary(rollout_id=self.id, approach=""),
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
