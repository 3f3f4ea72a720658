"""How well selection strategies pick a correct patch from a synthetic pool, per judge call.

Model (documented because the conclusions depend on it):
- A pool has N candidates; each is correct independently with probability P_CORRECT.
- The judge compares summaries pairwise with accuracy A: shown a correct and an incorrect
  candidate, it prefers the correct one with probability A; two of the same kind are a coin
  flip. With probability B it ignores content and keeps the one shown first (position bias).
- Shown G candidates in one call, the judge reads them in order keeping a current favourite,
  each newcomer challenging it by the pairwise rule above ("king of the hill"). So for G=2 a
  vote is exactly the pairwise judgement, and for larger G the chance that a correct
  candidate survives compounds (roughly A per later rival), as with long-context judges.
- Gates: a correct patch passes with probability GATE_TRUE_PASS; an incorrect one slips
  through with probability GATE_FALSE_PASS.
Reported: rtv_early (G=2, early stop at the configured risk), rtv_certain (stop only once the
majority is certain), rtv_full (all (N-1)*V votes), flat (one match of all N, V votes),
random, best_of_n_gated (first gate-passer), rtv_gated (early-stopped RTV over gate-passers,
as the engine runs it).
The tournaments are autofix's own `scaling.rtv.Tournament` driven by this fake judge. Judge
randomness is keyed by (trial, match, vote number) so early-stopped and full protocols see
the same votes and their accuracy difference is measured pairwise. Prints one JSON object.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Sequence

from scaling.config import EngineConfig
from scaling.issue import Issue
from scaling.rtv import Tournament
from scaling.summary import RolloutSummary
from scaling.tiebreak import Entry
from scaling.vote import Vote

P_CORRECT = 0.3
A = 0.75
B = 0.2
V = 8
GATE_TRUE_PASS = 0.9
GATE_FALSE_PASS = 0.25
TRIALS = 300
SIZES = (4, 8, 16)
ISSUE = Issue(title="synthetic", body="synthetic")


class SyntheticJudge:
    """The king-of-the-hill judge described in the module docstring."""

    def __init__(self, trial: int) -> None:
        self.trial = trial
        self.calls = 0
        self.seen: dict[str, int] = {}

    async def vote(self, issue: Issue, candidates: Sequence[RolloutSummary]) -> Vote:
        self.calls += 1
        match = ",".join(sorted(c.rollout_id for c in candidates))
        n = self.seen.get(match, 0)
        self.seen[match] = n + 1
        rng = random.Random(f"{self.trial}:{match}:{n}")
        best = 0
        for challenger in range(1, len(candidates)):
            if rng.random() < B:
                continue  # keeps whatever was shown first
            good_best = candidates[best].approach == "correct"
            good_new = candidates[challenger].approach == "correct"
            coin = 0.5 if good_best == good_new else (A if good_new else 1 - A)
            if rng.random() < coin:
                best = challenger
        return Vote(choice=best)


def pool(rng: random.Random, n: int) -> list[Entry]:
    return [
        Entry(
            id=f"c{i}",
            summary=RolloutSummary(
                rollout_id=f"c{i}", approach="correct" if rng.random() < P_CORRECT else "wrong"
            ),
            seq=(0, i),
        )
        for i in range(n)
    ]


async def pick(
    entries: list[Entry], trial: int, group: int, early: bool, risk: float
) -> tuple[str | None, int]:
    if not entries:
        return None, 0
    judge = SyntheticJudge(trial)
    t = Tournament(
        judge=judge, issue=ISSUE, votes=V, group_size=group, seed=trial,
        early_stop=early, early_stop_risk=risk,
    )  # fmt: skip
    ranking = await t.rank(entries, 0, "select")
    return ranking.order[0], judge.calls


async def measure(n: int, risk: float) -> dict[str, object]:
    rng = random.Random(n)
    judged = ("rtv_early", "rtv_certain", "rtv_full", "flat", "rtv_gated")
    wins = dict.fromkeys((*judged, "random", "best_of_n_gated"), 0)
    calls = dict.fromkeys(judged, 0)
    solvable = 0
    for trial in range(TRIALS):
        entries = pool(rng, n)
        good = {e.id for e in entries if e.summary.approach == "correct"}
        solvable += bool(good)
        passers = [
            e for e in entries
            if rng.random() < (GATE_TRUE_PASS if e.id in good else GATE_FALSE_PASS)
        ]  # fmt: skip
        runs = {
            "rtv_early": await pick(entries, trial, 2, True, risk),
            "rtv_certain": await pick(entries, trial, 2, True, 0.0),
            "rtv_full": await pick(entries, trial, 2, False, 0.0),
            "flat": await pick(entries, trial, n, False, 0.0),
            "rtv_gated": await pick(passers, trial, 2, True, risk),
        }
        for name, (winner, used) in runs.items():
            wins[name] += winner in good
            calls[name] += used
        wins["random"] += rng.choice(entries).id in good
        wins["best_of_n_gated"] += bool(passers) and passers[0].id in good
    full = calls["rtv_full"] / TRIALS
    return {
        "p_select_correct": {k: round(w / TRIALS, 4) for k, w in wins.items()},
        "p_any_correct": round(solvable / TRIALS, 4),
        "judge_calls_mean": {k: round(c / TRIALS, 2) for k, c in calls.items()},
        "full_protocol_calls": (n - 1) * V,
        "early_calls_fraction_of_full": round(calls["rtv_early"] / TRIALS / full, 3),
        "certain_calls_fraction_of_full": round(calls["rtv_certain"] / TRIALS / full, 3),
        "gated_calls_fraction_of_full": round(calls["rtv_gated"] / TRIALS / full, 3),
        "early_minus_full_accuracy_points": round(
            100 * (wins["rtv_early"] - wins["rtv_full"]) / TRIALS, 2
        ),
        "rtv_minus_flat_accuracy_points": round(
            100 * (wins["rtv_full"] - wins["flat"]) / TRIALS, 2
        ),
    }


async def main() -> None:
    risk = EngineConfig().early_stop_risk
    started = time.perf_counter()
    results = {str(n): await measure(n, risk) for n in SIZES}
    report = {
        "benchmark": "selection",
        "model": {"p_correct": P_CORRECT, "pairwise_accuracy": A, "position_bias": B,
                  "votes": V, "gate_true_pass": GATE_TRUE_PASS,
                  "gate_false_pass": GATE_FALSE_PASS, "trials": TRIALS,
                  "early_stop_risk": risk},
        "by_n": results,
        "seconds": round(time.perf_counter() - started, 2),
    }  # fmt: skip
    print(json.dumps(report))


if __name__ == "__main__":
    asyncio.run(main())
