"""How well selection strategies pick a correct patch from a synthetic pool, per judge call.

Model (documented because the conclusions depend on it):
- A pool has N candidates; each is correct independently with probability P_CORRECT.
- The judge compares summaries pairwise with accuracy A: shown a correct and an incorrect
  candidate, it prefers the correct one with probability A; two of the same kind are a coin
  flip. With probability B it ignores content and keeps the one shown first (position bias).
  With per-vote shuffling a correct candidate therefore wins a vote against an incorrect one
  with probability (1 - B) * A + B / 2 (0.7 for the defaults).
- Shown G candidates in one call, the judge reads them in order keeping a current favourite,
  each newcomer challenging it by the pairwise rule above ("king of the hill"). So for G=2 a
  vote is exactly the pairwise judgement, and for larger G the chance that a correct
  candidate survives compounds (roughly A per later rival), as with long-context judges.
- Gates: a correct patch passes with probability GATE_TRUE_PASS; an incorrect one slips
  through with probability GATE_FALSE_PASS.
- Evidence tie-breaks see nothing here (no reproduction, no failing counts, equal diff sizes),
  so a level match goes to the lower rollout id: tie-breaks are worth nothing in this model,
  which understates autofix, whose evidence usually favours the correct patch.
Protocols: rtv_early (G=2, the engine's early stop at the configured risk), rtv_full (G=2,
all (N-1)*V votes), flat (one match of all N, V votes), flat_matched (one match of all N with
(N-1)*V votes, i.e. RTV's full call count), random, best_of_n_gated (first gate-passer),
rtv_gated (rtv_early over gate-passers, as the engine runs it).
The tournaments are autofix's own `scaling.rtv.Tournament` driven by this fake judge. Common
random numbers: every protocol sees the same pools and gate draws, and the judge's randomness
is a stream per (trial, set of candidates shown), consumed vote by vote; the tournament's
shuffles are seeded the same way, so an early-stopped match sees exactly the first votes of
the full one. Differences between protocols are therefore paired, and their 95% intervals
use the paired standard error. Prints one JSON object. Usage: `python -m benchmarks.selection
[TRIALS [RISK ...]]`;
the configured risk is always measured first.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
from collections.abc import Sequence
from math import sqrt

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
TRIALS = 4000
SIZES = (4, 8, 16)
Z = 1.96
# Risks measured besides the configured default (0.051-0.068 all give the same policy at V=8).
EXTRA_RISKS = (0.06,)
TARGETS = (
    "calls_at_most_60pct_of_full", "within_1pt_of_full", "within_1pt_of_full_95pct",
    "beats_flat_95pct",
)  # fmt: skip
ISSUE = Issue(title="synthetic", body="synthetic")
# Built once: pools reuse these, so the benchmark spends its time in the tournament code.
SUMMARIES = {
    (i, good): RolloutSummary(rollout_id=f"c{i}", approach="correct" if good else "wrong")
    for i in range(max(SIZES))
    for good in (True, False)
}


class SyntheticJudge:
    """The king-of-the-hill judge described in the module docstring."""

    def __init__(self, trial: int) -> None:
        self.trial = trial
        self.calls = 0
        self.streams: dict[int, random.Random] = {}

    async def vote(self, issue: Issue, candidates: Sequence[RolloutSummary]) -> Vote:
        self.calls += 1
        shown = sum(1 << int(c.rollout_id[1:]) for c in candidates)
        rng = self.streams.get(shown)
        if rng is None:
            rng = self.streams[shown] = random.Random((self.trial << 20) | shown)
        best = 0
        for challenger in range(1, len(candidates)):
            # Two draws per challenger whatever happens, so streams stay aligned across runs.
            biased, pick = rng.random(), rng.random()
            if biased < B:
                continue  # keeps whatever was shown first
            good_best = candidates[best].approach == "correct"
            good_new = candidates[challenger].approach == "correct"
            coin = 0.5 if good_best == good_new else (A if good_new else 1 - A)
            if pick < coin:
                best = challenger
        return Vote(choice=best)


def pool(rng: random.Random, n: int) -> list[Entry]:
    return [
        Entry(id=f"c{i}", summary=SUMMARIES[(i, rng.random() < P_CORRECT)], seq=(0, i))
        for i in range(n)
    ]


async def pick(
    entries: list[Entry], trial: int, group: int, votes: int, early: bool, risk: float
) -> tuple[str | None, int]:
    if not entries:
        return None, 0
    judge = SyntheticJudge(trial)
    t = Tournament(
        judge=judge, issue=ISSUE, votes=votes, group_size=group, seed=trial,
        early_stop=early, early_stop_risk=risk,
    )  # fmt: skip
    ranking = await t.rank(entries, 0, "select")
    return ranking.order[0], judge.calls


def interval(xs: Sequence[float], scale: float = 1.0) -> dict[str, float]:
    """Mean and normal-approximation 95% interval (paired when xs are differences)."""
    n = len(xs)
    mean = sum(xs) / n
    var = sum((x - mean) ** 2 for x in xs) / (n - 1) if n > 1 else 0.0
    half = Z * sqrt(var / n)
    return {
        "mean": round(scale * mean, 3),
        "lo": round(scale * (mean - half), 3),
        "hi": round(scale * (mean + half), 3),
    }


async def measure(n: int, risks: Sequence[float], trials: int) -> dict[str, object]:
    rng = random.Random(n)
    early = [f"rtv_early@{r}" for r in risks]
    judged = (*early, "rtv_full", "flat", "flat_matched", "rtv_gated")
    hits: dict[str, list[float]] = {k: [] for k in (*judged, "random", "best_of_n_gated")}
    calls: dict[str, list[float]] = {k: [] for k in judged}
    for trial in range(trials):
        entries = pool(rng, n)
        good = {e.id for e in entries if e.summary.approach == "correct"}
        passers = [
            e for e in entries
            if rng.random() < (GATE_TRUE_PASS if e.id in good else GATE_FALSE_PASS)
        ]  # fmt: skip
        runs = {
            name: await pick(entries, trial, 2, V, True, r)
            for name, r in zip(early, risks, strict=True)
        }
        runs["rtv_full"] = await pick(entries, trial, 2, V, False, 0.0)
        runs["flat"] = await pick(entries, trial, n, V, False, 0.0)
        runs["flat_matched"] = await pick(entries, trial, n, (n - 1) * V, False, 0.0)
        runs["rtv_gated"] = await pick(passers, trial, 2, V, True, risks[0])
        for name, (winner, used) in runs.items():
            hits[name].append(float(winner in good))
            calls[name].append(float(used))
        hits["random"].append(float(rng.choice(entries).id in good))
        hits["best_of_n_gated"].append(float(bool(passers) and passers[0].id in good))
    return summarize(n, early, hits, calls)


def diff(a: list[float], b: list[float]) -> dict[str, float]:
    return interval([x - y for x, y in zip(a, b, strict=True)], scale=100)


def summarize(
    n: int, early: list[str], hits: dict[str, list[float]], calls: dict[str, list[float]]
) -> dict[str, object]:
    full = (n - 1) * V
    out: dict[str, object] = {
        "accuracy_pct": {k: interval(v, scale=100) for k, v in hits.items()},
        "judge_calls": {k: interval(v) for k, v in calls.items()},
        "full_protocol_calls": full,
        "gated_calls_ratio_to_full": round(
            sum(calls["rtv_gated"]) / len(calls["rtv_gated"]) / full, 3
        ),
        "full_minus_flat_points": diff(hits["rtv_full"], hits["flat"]),
    }
    for name in early:
        ratio = sum(calls[name]) / sum(calls["rtv_full"])
        vs_full = diff(hits[name], hits["rtv_full"])
        vs_flat = diff(hits[name], hits["flat"])
        out[name] = {
            "calls_ratio_to_full": round(ratio, 3),
            "minus_full_points": vs_full,
            "minus_flat_points": vs_flat,
            "minus_flat_matched_points": diff(hits[name], hits["flat_matched"]),
            "targets": {
                "calls_at_most_60pct_of_full": ratio <= 0.60,
                # Point estimate within 1 point; the stricter test asks the whole 95% interval.
                "within_1pt_of_full": vs_full["mean"] >= -1.0,
                "within_1pt_of_full_95pct": vs_full["lo"] >= -1.0,
                "beats_flat_95pct": vs_flat["lo"] > 0.0,
            },
        }
    return out


async def main(trials: int, risks: Sequence[float]) -> None:
    started = time.perf_counter()
    results = {str(n): await measure(n, risks, trials) for n in SIZES}
    met = {
        f"rtv_early@{r}": {
            name: all(res[f"rtv_early@{r}"]["targets"][name] for res in results.values())  # type: ignore[index]
            for name in TARGETS
        }
        for r in risks
    }
    report = {
        "benchmark": "selection",
        "model": {"p_correct": P_CORRECT, "pairwise_accuracy": A, "position_bias": B,
                  "votes": V, "gate_true_pass": GATE_TRUE_PASS,
                  "gate_false_pass": GATE_FALSE_PASS, "trials": trials,
                  "early_stop_risks": list(risks), "configured_risk": risks[0]},
        "by_n": results,
        "targets_met_for_every_n": met,
        "seconds": round(time.perf_counter() - started, 2),
    }  # fmt: skip
    print(json.dumps(report))


if __name__ == "__main__":
    configured = EngineConfig().early_stop_risk
    extra = [float(a) for a in sys.argv[2:]] or [r for r in EXTRA_RISKS if r != configured]
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else TRIALS, [configured, *extra]))
