"""The bracket's layout: every entrant drawn, lines from where each finalist last won."""

from __future__ import annotations

from app.web.views.bracket import layout
from tests.web.samples import finished_result


def test_a_bye_is_drawn_from_the_match_its_candidate_last_won() -> None:
    result = finished_result(16, 2)
    bracket = layout("round 1", result.matches, {c.id: c.rollout_ids for c in result.candidates})
    drawn = {e.candidate for box in bracket.boxes for e in box.entrants}
    assert drawn == {c for m in result.matches for c in m.candidates}
    final = max(bracket.boxes, key=lambda b: b.stage)
    into_final = [
        line for line in bracket.lines if line.points.endswith(f"{final.x},{final.middle}")
    ]
    starts = sorted(line.points.split(" ")[0] for line in into_final)
    semi = next(b for b in bracket.boxes if b.stage == 1)
    bye = next(b for b in bracket.boxes if b.stage == 0 and b.entrants[0].candidate == "r1-5")
    assert starts == sorted(
        [f"{semi.x + semi.width},{semi.middle}", f"{bye.x + bye.width},{bye.middle}"]
    )
    assert len(bracket.lines) == 4, "two into the semi-final, two into the final"


def test_collapsed_rollouts_are_named_with_their_candidate() -> None:
    result = finished_result(4, 1)
    bracket = layout("round 0", result.matches, {"r0-0": ("r0-0", "r0-3")})
    labels = [e.label for box in bracket.boxes for e in box.entrants]
    assert "r0-0 (= r0-3)" in labels
