"""Finished runs as the engine records them, with optional hostile text in every free-text field."""

from __future__ import annotations

import json
from pathlib import Path

import redis.asyncio as aioredis

from app.ci.checks import CiCheck
from app.ci.follow import CiFollow
from app.ci.verdict import CiVerdict
from app.github.models import PullRequestLink
from app.store import NewRun, Store
from app.trajectory import EndRecord, Observation, StartRecord, StepRecord, trajectory_file
from app.worker.ci_follow import CiFollows
from scaling.issue import Issue
from scaling.result import (
    BaselineRecord,
    CandidateRecord,
    CrossCheckResult,
    GateResult,
    HoldoutResult,
    MatchRecord,
    RolloutRecord,
    RunResult,
    SkipRecord,
    VoteRecord,
    Winner,
)
from scaling.rollout import Usage
from scaling.summary import Change, Evidence, RolloutSummary

SCRIPT = "<script>document.title='pwned'</script>"
HEAD = "a" * 40
"""The head commit of every seeded pull request."""


def _pairs(ids: list[str], round_: int) -> list[MatchRecord]:
    """A single-elimination bracket over `ids`, the first of each pair winning 3 to 1."""
    matches: list[MatchRecord] = []
    stage = 0
    alive = list(ids)
    while len(alive) > 1:
        survivors = []
        for i in range(0, len(alive) - 1, 2):
            a, b = alive[i], alive[i + 1]
            votes = tuple(
                VoteRecord(order=(a, b), choice=a if k < 3 else b, valid=True, reason="clearer")
                for k in range(4)
            )
            matches.append(
                MatchRecord(
                    round=round_,
                    purpose="select",
                    stage=stage,
                    candidates=(a, b),
                    winner=a,
                    tally={a: 3, b: 1},
                    votes=votes,
                )
            )
            survivors.append(a)
        if len(alive) % 2:
            survivors.append(alive[-1])
        alive, stage = survivors, stage + 1
    return matches


def finished_result(rollouts: int = 16, rounds: int = 2, hostile: str = "") -> RunResult:
    """A resolved run: round 0 all fail their gates, the last round's passers meet in a bracket."""
    per_round = rollouts // rounds
    records, gates, candidates, summaries = [], [], [], []
    for r in range(rounds):
        for i in range(per_round):
            rid = f"r{r}-{i}"
            passed = r == rounds - 1 and i % 4 != 3
            flagged = r == rounds - 1 and i % 4 == 3
            gate = "passed" if passed else "flagged" if flagged else "failed"
            records.append(
                RolloutRecord(
                    id=rid,
                    round=r,
                    index=i,
                    exit_status="submitted",
                    gate=gate,
                    holdout="passed" if rid == f"r{rounds - 1}-0" else "not_run",
                    patch_sha256=f"{r:02d}{i:062d}",
                    candidate=rid,
                    steps=10 + i,
                    cost_usd=0.05 * (i + 1),
                )
            )
            gates.append(
                GateResult(
                    rollout_id=rid,
                    passed=passed,
                    reasons=() if passed else (f"test_median_even fails {hostile}",),
                    tamper=(f"conftest.py added {hostile}",) if flagged else (),
                    new_failures=() if passed else ("tests/test_stats.py::test_median_even",),
                    new_tests=("tests/test_stats.py::test_even_pair",) if passed else (),
                    reproduced=True if passed else None,
                )
            )
            candidates.append(
                CandidateRecord(
                    id=rid, round=r, rollout_ids=(rid,), count=1, patch_sha256="0" * 64, gate=gate
                )
            )
            summaries.append(
                RolloutSummary(
                    rollout_id=rid,
                    approach=f"Average the middle pair for even lengths. {hostile}",
                    changes=(
                        Change(path="calc/stats.py", what="even branch", why=hostile or "bug"),
                    ),
                    evidence=(Evidence(command="pytest -q", result=f"3 passed {hostile}"),),
                    risks=(f"Empty input still raises {hostile}",),
                    confidence=0.7,
                )
            )
    last = rounds - 1
    passers = [f"r{last}-{i}" for i in range(per_round) if i % 4 != 3]
    winner = f"r{last}-0"
    return RunResult(
        status="resolved",
        winner=Winner(rollout_id=winner, round=last),
        rollouts=tuple(records),
        rounds=rounds,
        llm_calls=200,
        judge_calls=40,
        input_tokens=900_000,
        output_tokens=60_000,
        cost_usd=4.2,
        wall_s=1800.0,
        baseline=BaselineRecord(runs=2, parsed=True, passing=("t1", "t2", "t3"), collected=4),
        candidates=tuple(candidates),
        gates=tuple(gates),
        holdouts=(HoldoutResult(rollout_id=winner, passed=True),),
        cross_checks=(CrossCheckResult(candidate=winner, tests_from=passers[1], status="passed"),),
        matches=tuple(_pairs(passers, last)),
        tournament_order=(*(() for _ in range(last)), tuple(passers)),
        skipped=(SkipRecord(what="round 2", why=f"the budget could not cover it {hostile}"),),
        summaries=tuple(summaries),
        summary=summaries[-per_round],
        issue=Issue(
            title=f"median() is wrong for even-sized lists {hostile}",
            body=f"`median([1, 2, 3, 4])` returns 3; it should return 2.5. {hostile}",
            comments=(f"Seen on 1.4 too. {hostile}",),
            number=7,
        ),
    )


async def seed_run(
    store: Store,
    repo: str,
    issue: int,
    *,
    result: RunResult | None = None,
    status: str = "resolved",
    delivery: str | None = None,
) -> int:
    """A run of `repo`#`issue`: queued, running, or finished with `result` and a PR."""
    created = await store.create_run(
        NewRun(
            repo=repo,
            installation_id=1,
            issue_number=issue,
            trigger="label",
            delivery_id=delivery or f"d-{repo}-{issue}",
            config={
                "rollouts": 8,
                "rounds": 2,
                "budget": {"usd": 10.0},
                "tests": {"command": "pytest -q"},
            },
        )
    )
    run_id = created.run.id
    if status == "queued":
        return run_id
    await store.transition(run_id, "running")
    if status == "running":
        return run_id
    if result is not None:
        await store.record_result(run_id, result)
    winner = result.winner.rollout_id if result and result.winner else None
    if status == "resolved" and winner:
        await store.set_pull_request(
            run_id,
            PullRequestLink(
                number=issue + 100,
                url=f"https://github.example/{repo}/pull/{issue + 100}",
                branch=f"autofix/issue-{issue}",
                head_sha=HEAD,
                rollout_id=winner,
            ),
        )
    await store.transition(run_id, status, winner=winner)  # type: ignore[arg-type]
    return run_id


def write_trajectory(directory: Path, rollout_id: str, output: str, steps: int = 3) -> Path:
    """A trajectory file as the agent runner writes it."""
    path = trajectory_file(directory, rollout_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines: list[StartRecord | StepRecord | EndRecord] = [
        StartRecord(
            rollout_id=rollout_id,
            round=0,
            index=0,
            model="anthropic:test",
            limits={},
            system="",
            task="",
        )
    ]
    for n in range(1, steps + 1):
        lines.append(
            StepRecord(
                step=n,
                text=f"Looking at step {n}.",
                observations=[
                    Observation(
                        tool_use_id=f"t{n}",
                        command=f"pytest -q -k step{n}",
                        exit_code=n % 2,
                        output=output,
                    )
                ],
                usage=Usage(cost_usd=0.01),
            )
        )
    lines.append(EndRecord(exit_status="submitted", steps=steps))
    path.write_text("".join(json.dumps(r.model_dump(mode="json")) + "\n" for r in lines))
    return path


def ci_check(
    name: str, state: str, conclusion: str | None, url: str | None, **more: object
) -> CiCheck:
    return CiCheck(
        kind="check_run",
        name=name,
        state=state,
        conclusion=conclusion,
        url=url,
        app_id=7,
        **more,
    )


def ci_record(
    run_id: int,
    repo: str,
    pr: int,
    verdict: CiVerdict | None,
    *,
    head_since: float = 0.0,
    **more: object,
) -> CiFollow:
    """A CI record as the look jobs leave it, `verdict` shown last."""
    base = CiFollow(
        repo=repo,
        run_id=run_id,
        pr=pr,
        url=f"https://github.example/{repo}/pull/{pr}",
        branch="autofix/issue-1",
        head_sha=HEAD,
        rollout_id="r0-0",
        head_since=head_since,
        comment="comment",
        **more,
    )
    return base.showing("section", verdict)


async def save_ci(redis_url: str, state: CiFollow) -> None:
    """Store `state` as the worker does."""
    redis = aioredis.Redis.from_url(redis_url)
    try:
        await CiFollows(redis).save(state)
    finally:
        await redis.aclose()


def failed_ci() -> CiVerdict:
    """`unit tests` failed, `lint` passed on its re-run (flaky), `docs` passed without a link."""
    return CiVerdict(
        outcome="failed",
        sha=HEAD,
        checks=(
            ci_check(
                "unit tests",
                "failure",
                "failure",
                "https://ci.example/runs/11",
                output="Traceback: private log text",
            ),
            ci_check("lint", "success", "success", "https://ci.example/runs/12"),
            ci_check("docs", "success", "success", None),
        ),
        flaky=("lint",),
    )
