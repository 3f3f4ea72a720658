"""Lays out a round's tournament as an SVG bracket: one column per stage, one box per match."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic import BaseModel, ConfigDict

from scaling.result import MatchRecord

BOX_W = 230.0
GAP_X = 50.0
ROW_H = 20.0
HEAD_H = 18.0
GAP_Y = 16.0
PAD = 8.0


class _View(BaseModel):
    model_config = ConfigDict(frozen=True)


class Entrant(_View):
    """A candidate in a match: its id, every rollout that produced the same patch, its votes."""

    candidate: str
    rollout_ids: tuple[str, ...]
    votes: int
    won: bool

    @property
    def label(self) -> str:
        others = [r for r in self.rollout_ids if r != self.candidate]
        return self.candidate + (f" (= {', '.join(others)})" if others else "")


class MatchBox(_View):
    x: float
    y: float
    height: float
    stage: int
    entrants: tuple[Entrant, ...]
    note: str

    @property
    def width(self) -> float:
        return BOX_W

    @property
    def middle(self) -> float:
        return self.y + self.height / 2


class Line(_View):
    points: str


class Bracket(_View):
    """A drawn tournament of one round and purpose."""

    title: str
    width: float
    height: float
    boxes: tuple[MatchBox, ...]
    lines: tuple[Line, ...]


def _note(match: MatchRecord) -> str:
    parts = [f"{sum(match.tally.values())} votes"]
    if match.invalid_votes:
        parts.append(f"{match.invalid_votes} unusable")
    if match.tie_broken_by:
        parts.append(f"tie broken by {match.tie_broken_by}")
    if match.early_stopped:
        parts.append("stopped early")
    return ", ".join(parts)


def layout(
    title: str, matches: Sequence[MatchRecord], rollouts_of: Mapping[str, tuple[str, ...]]
) -> Bracket:
    """Boxes placed by stage; a later match sits level with the matches that feed it."""
    boxes: list[MatchBox] = []
    lines: list[Line] = []
    stages = sorted({m.stage for m in matches})
    for column, stage in enumerate(stages):
        bottom = PAD
        x = PAD + column * (BOX_W + GAP_X)
        for match in sorted((m for m in matches if m.stage == stage), key=lambda m: m.candidates):
            entrants = tuple(
                Entrant(
                    candidate=c,
                    rollout_ids=rollouts_of.get(c, (c,)),
                    votes=match.tally.get(c, 0),
                    won=c == match.winner,
                )
                for c in match.candidates
            )
            height = HEAD_H + ROW_H * len(entrants) + 2
            feeders = [f for f in (_last_win(boxes, c) for c in match.candidates) if f]
            y = bottom
            if feeders:
                y = max(bottom, sum(b.middle for b in feeders) / len(feeders) - height / 2)
            box = MatchBox(
                x=x, y=y, height=height, stage=stage, entrants=entrants, note=_note(match)
            )
            for feeder in feeders:
                # Turn just before this column, so a bye's line runs below the boxes it skips.
                x0, y0 = feeder.x + BOX_W, feeder.middle
                xm = x - GAP_X / 2
                lines.append(Line(points=f"{x0},{y0} {xm},{y0} {xm},{box.middle} {x},{box.middle}"))
            boxes.append(box)
            bottom = y + height + GAP_Y
    width = PAD * 2 + len(stages) * BOX_W + max(len(stages) - 1, 0) * GAP_X
    height = max((b.y + b.height for b in boxes), default=0.0) + PAD
    return Bracket(title=title, width=width, height=height, boxes=tuple(boxes), lines=tuple(lines))


def _last_win(boxes: Sequence[MatchBox], candidate: str) -> MatchBox | None:
    """The latest match `candidate` won so far: where its line into the next match starts."""
    won = [b for b in boxes if any(e.won and e.candidate == candidate for e in b.entrants)]
    return max(won, key=lambda b: b.stage, default=None)
