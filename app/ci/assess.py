"""One look at a head's checks: the verdict, the failures worth a re-run first, and whether
the verdict is final enough to act on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.ci.checks import CiCheck, CiSnapshot
from app.ci.verdict import CiVerdict, judge
from app.config.ci import CiConfig


@dataclass(frozen=True)
class Assessment:
    verdict: CiVerdict
    rerun: tuple[CiCheck, ...] = ()
    """Failed check runs to re-run once on the same commit, to tell a flake from a failure."""
    final: bool = False
    """Nothing is pending or being re-run: the verdict can be acted on."""


def assess(
    snapshot: CiSnapshot,
    config: CiConfig,
    own_app_id: int,
    waited_s: float,
    *,
    spent_s: float = 0.0,
    required: frozenset[str] | None = None,
    reruns: Mapping[str, int] | None = None,
    rerun_age_s: float | None = None,
    pinned: Mapping[str, int] | None = None,
    hold_pass_s: float = 0.0,
) -> Assessment:
    """What one look at `snapshot` says.

    `reruns` maps each check already re-run on this head to the failed run's id (0 when the
    re-run was refused); `rerun_age_s` is how long ago re-runs were asked for. A pass before
    `hold_pass_s` is not final: a slower CI may not have said anything yet.
    """
    verdict = judge(
        snapshot, config, own_app_id, waited_s, required, spent_s=spent_s, pinned=pinned
    )
    if verdict.outcome == "passed" and waited_s < hold_pass_s:
        return Assessment(verdict)
    if verdict.outcome != "failed":
        return Assessment(verdict, final=verdict.done)
    asked = reruns or {}
    fresh = tuple(
        c
        for c in verdict.failing
        if c.kind == "check_run" and c.check_run_id is not None and c.name not in asked
    )
    if fresh:
        return Assessment(verdict, rerun=fresh)
    # A re-run shows up as a new check run; until it does, the failure seen is the old run's.
    unseen = any(asked.get(c.name) == c.check_run_id for c in verdict.failing)
    if unseen and rerun_age_s is not None and rerun_age_s < config.appear_s:
        return Assessment(verdict)
    return Assessment(verdict, final=True)
