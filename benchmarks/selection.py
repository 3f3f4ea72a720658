"""How well selection strategies pick a correct patch from a synthetic pool, per judge call.

Model (documented because the conclusions depend on it):
- A pool has N candidates; each is correct independently with probability P_CORRECT.
- The judge compares summaries pairwise with accuracy A (0.75 in the headline; a sweep
  repeats the early-vs-full comparison at each accuracy in SWEEP): shown a correct and an
  incorrect candidate, it prefers the correct one with probability A; two of the same kind
  are a coin flip. With probability B it ignores content and keeps the one shown first
  (position bias). With per-vote shuffling a correct candidate therefore wins a vote against
  an incorrect one with probability (1 - B) * A + B / 2 (0.7 for the defaults).
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
rtv_gated (rtv_early over gate-passers, as the engine runs it). The sweep runs only
rtv_early at the configured risk, rtv_full and flat.
The tournaments are autofix's own `scaling.rtv.Tournament` driven by this fake judge. Common
random numbers: every protocol sees the same pools and gate draws, and the judge's randomness
is a stream per (trial, set of candidates shown), consumed vote by vote; the tournament's
shuffles are seeded the same way, so an early-stopped match sees exactly the first votes of
the full one. Differences between protocols are therefore paired, and their 95% intervals
use the paired standard error. Prints one JSON object. Usage: `python -m benchmarks.selection
[TRIALS [RISK ...]]`; the configured risk is always measured first.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
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
# Judge accuracies of the sweep; the headline's A is measured once, with every protocol.
SWEEP = (0.7, 0.75, 0.8, 0.85)
Z = 1.96
# Risks measured besides the configured default, none by default to keep the run short.
# At V=8, 0.035-0.046 all give the same policy (first stage 1.5x, see scaling.stopping).
EXTRA_RISKS: tuple[float, ...] = ()
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

    def __init__(self, trial: int, accuracy: float = A) -> None:
        self.trial = trial
        self.accuracy = accuracy
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
            acc = self.accuracy
            coin = 0.5 if good_best == good_new else (acc if good_new else 1 - acc)
            if pick < coin:
                best = challenger
        return Vote(choice=best)


def pool(rng: random.Random, n: int) -> list[Entry]:
    return [
        Entry(id=f"c{i}", summary=SUMMARIES[(i, rng.random() < P_CORRECT)], seq=(0, i))
        for i in range(n)
    ]


async def pick(
    entries: list[Entry], trial: int, group: int, votes: int, early: bool, risk: float, acc: float
) -> tuple[str | None, int]:
    if not entries:
        return None, 0
    judge = SyntheticJudge(trial, acc)
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


async def measure(
    n: int, risks: Sequence[float], trials: int, acc: float = A, full_set: bool = True
) -> dict[str, object]:
    """One pool size at one judge accuracy; full_set adds the protocols only the headline runs."""
    rng = random.Random(n)
    early = [f"rtv_early@{r}" for r in risks]
    extra = ("flat_matched", "rtv_gated") if full_set else ()
    judged = (*early, "rtv_full", "flat", *extra)
    unjudged = ("random", "best_of_n_gated") if full_set else ()
    hits: dict[str, list[float]] = {k: [] for k in (*judged, *unjudged)}
    calls: dict[str, list[float]] = {k: [] for k in judged}
    for trial in range(trials):
        entries = pool(rng, n)
        good = {e.id for e in entries if e.summary.approach == "correct"}
        passers = [
            e for e in entries
            if rng.random() < (GATE_TRUE_PASS if e.id in good else GATE_FALSE_PASS)
        ]  # fmt: skip
        runs = {
            name: await pick(entries, trial, 2, V, True, r, acc)
            for name, r in zip(early, risks, strict=True)
        }
        runs["rtv_full"] = await pick(entries, trial, 2, V, False, 0.0, acc)
        runs["flat"] = await pick(entries, trial, n, V, False, 0.0, acc)
        # Drawn whatever the set, so the sweep's pools are the headline's pools.
        chance = rng.choice(entries)
        if full_set:
            runs["flat_matched"] = await pick(entries, trial, n, (n - 1) * V, False, 0.0, acc)
            runs["rtv_gated"] = await pick(passers, trial, 2, V, True, risks[0], acc)
            hits["random"].append(float(chance.id in good))
            hits["best_of_n_gated"].append(float(bool(passers) and passers[0].id in good))
        for name, (winner, used) in runs.items():
            hits[name].append(float(winner in good))
            calls[name].append(float(used))
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
        "full_minus_flat_points": diff(hits["rtv_full"], hits["flat"]),
    }
    if "rtv_gated" in calls:
        gated = calls["rtv_gated"]
        out["gated_calls_ratio_to_full"] = round(sum(gated) / len(gated) / full, 3)
    for name in early:
        ratio = sum(calls[name]) / sum(calls["rtv_full"])
        vs_full = diff(hits[name], hits["rtv_full"])
        vs_flat = diff(hits[name], hits["flat"])
        out[name] = {
            "calls_ratio_to_full": round(ratio, 3),
            "minus_full_points": vs_full,
            "minus_flat_points": vs_flat,
            **(
                {"minus_flat_matched_points": diff(hits[name], hits["flat_matched"])}
                if "flat_matched" in hits
                else {}
            ),
            "targets": {
                "calls_at_most_60pct_of_full": ratio <= 0.60,
                # Point estimate within 1 point; the stricter test asks the whole 95% interval.
                "within_1pt_of_full": vs_full["mean"] >= -1.0,
                "within_1pt_of_full_95pct": vs_full["lo"] >= -1.0,
                "beats_flat_95pct": vs_flat["lo"] > 0.0,
            },
        }
    return out


def targets_met(results: dict[str, dict[str, object]], risks: Sequence[float]) -> object:
    """Per risk and target: whether it holds at every pool size."""
    return {
        f"rtv_early@{r}": {
            name: all(res[f"rtv_early@{r}"]["targets"][name] for res in results.values())  # type: ignore[index]
            for name in TARGETS
        }
        for r in risks
    }


def sweep_row(results: dict[str, dict[str, object]], risk: float) -> dict[str, object]:
    """The early-vs-full trade-off at one judge accuracy, per pool size."""
    name = f"rtv_early@{risk}"
    row: dict[str, object] = {}
    for n, res in results.items():
        early: dict[str, object] = res[name]  # type: ignore[assignment]
        acc: dict[str, dict[str, float]] = res["accuracy_pct"]  # type: ignore[assignment]
        row[n] = {
            "full_accuracy_pct": acc["rtv_full"]["mean"],
            "early_accuracy_pct": acc[name]["mean"],
            **{k: early[k] for k in ("calls_ratio_to_full", "minus_full_points")},
            "minus_flat_points": early["minus_flat_points"],
        }
    row["targets_met_for_every_n"] = targets_met(results, [risk])[name]  # type: ignore[index]
    return row


def run_one(task: tuple[int, tuple[float, ...], int, float, bool]) -> dict[str, object]:
    """One (pool size, accuracy) cell, in its own process: cells share no state."""
    n, risks, trials, acc, full_set = task
    return asyncio.run(measure(n, risks, trials, acc, full_set))


def main(trials: int, risks: Sequence[float]) -> None:
    started = time.perf_counter()
    cells = [(n, tuple(risks), trials, A, True) for n in SIZES]
    cells += [(n, tuple(risks[:1]), trials, a, False) for a in SWEEP if a != A for n in SIZES]
    # Cells are independent and CPU-bound; one process per core keeps the run short.
    with ProcessPoolExecutor(max_workers=min(len(cells), os.cpu_count() or 1)) as pool:
        done = dict(zip(cells, pool.map(run_one, cells), strict=True))
    results = {str(c[0]): r for c, r in done.items() if c[4]}
    sweep = {str(A): sweep_row(results, risks[0])}
    for acc in (a for a in SWEEP if a != A):
        at = {str(c[0]): r for c, r in done.items() if c[3] == acc and not c[4]}
        sweep[str(acc)] = sweep_row(at, risks[0])
    report = {
        "benchmark": "selection",
        "model": {"p_correct": P_CORRECT, "pairwise_accuracy": A, "position_bias": B,
                  "votes": V, "gate_true_pass": GATE_TRUE_PASS,
                  "gate_false_pass": GATE_FALSE_PASS, "trials": trials,
                  "early_stop_risks": list(risks), "configured_risk": risks[0]},
        "by_n": results,
        "targets_met_for_every_n": targets_met(results, risks),
        "sweep_by_pairwise_accuracy": dict(sorted(sweep.items())),
        "seconds": round(time.perf_counter() - started, 2),
    }  # fmt: skip
    print(json.dumps(report))


if __name__ == "__main__":
    configured = EngineConfig().early_stop_risk
    extra = [float(a) for a in sys.argv[2:]] or [r for r in EXTRA_RISKS if r != configured]
    main(int(sys.argv[1]) if len(sys.argv) > 1 else TRIALS, [configured, *extra])
