"""The tournament as a Mermaid flowchart: candidates feed matches, winners feed later ones."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from scaling.events import MatchDecided
from scaling.result import MatchRecord


class Bout(BaseModel):
    """One match, from either the live event or the final record."""

    model_config = ConfigDict(frozen=True)

    round: int
    purpose: str
    stage: int
    candidates: tuple[str, ...]
    winner: str
    votes: dict[str, int]

    @classmethod
    def of(cls, match: MatchDecided | MatchRecord) -> Bout:
        votes = match.votes if isinstance(match, MatchDecided) else match.tally
        return cls(
            round=match.round,
            purpose=match.purpose,
            stage=match.stage,
            candidates=tuple(match.candidates),
            winner=match.winner,
            votes=dict(votes),
        )


def _node(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", text)


def _label(text: str) -> str:
    return text.replace('"', "'").replace("<", "&lt;").replace(">", "&gt;")


def mermaid_bracket(matches: Sequence[MatchDecided | MatchRecord], final: str | None) -> str:
    """A flowchart (without code fences) of the selection matches; empty when none were played."""
    bouts = [Bout.of(m) for m in matches if m.purpose == "select"]
    if not bouts:
        return ""
    lines = ["flowchart LR"]
    declared: set[str] = set()
    # The match a candidate last won, so its next appearance links from that match.
    came_from: dict[str, str] = {}
    for index, bout in enumerate(bouts):
        match_node = f"m{index}"
        score = " : ".join(str(bout.votes.get(c, 0)) for c in bout.candidates)
        lines.append(f'  {match_node}{{"round {bout.round} · stage {bout.stage}<br/>{score}"}}')
        for candidate in bout.candidates:
            source = came_from.get(candidate)
            if source is None:
                leaf = "c_" + _node(candidate)
                if leaf not in declared:
                    lines.append(f'  {leaf}["{_label(candidate)}"]')
                    declared.add(leaf)
                source = leaf
            arrow = "==>" if candidate == bout.winner else "-->"
            lines.append(f"  {source} {arrow} {match_node}")
        came_from[bout.winner] = match_node
    if final:
        lines.append(f'  winner(["winner: {_label(final)}"])')
        lines.append(f"  {came_from.get(final, 'c_' + _node(final))} ==> winner")
    return "\n".join(lines)
