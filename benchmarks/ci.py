"""Worker time held while a repository's CI runs. Prints one JSON object.

A repository whose CI takes `CI_S` seconds gets `RUNS` runs, one after another, through a warm
arq worker, the fake GitHub with its fake CI (webhooks delivered as GitHub would) and the
scripted executor, on the production poll interval. For each run:

- autofix: how long the run job held its slot, how many looks followed CI and how long they
  held a slot in all, and how long after CI finished the status comment showed its verdict;
- the naive way, measured on the same heads right after (their CI re-run): a job that waits
  for CI inside the worker, reading the checks every half second until they are complete, so
  it holds a slot for the whole of CI and little more.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from arq import func
from arq.worker import Worker

from app.ci.verdict import judge
from app.config import CiConfig
from app.github.publish import branch_of
from app.worker.ci_look import look_at_ci
from app.worker.queue_worker import worker_options
from tests.services import redis_server

RUNS = 3
CI_S = 20.0
POLL_S = 15.0
NAIVE_POLL_S = 0.5
"""Kept short so the naive wait is close to CI's own duration: the least an inline wait holds."""
ADDS = "python3 -c 'import calc; assert calc.add(2, 3) == 5'"


async def measure(redis_url: str, work: Path) -> dict[str, Any]:
    from tests.app.conftest import FILES
    from tests.app.harness import AppUnderTest, private_key_pem
    from tests.fakes.github_server import FakeGitHub

    looks: list[tuple[str, float]] = []

    async def timed_look(ctx: dict[str, Any], repo: str, sha: str, seq: int | None = None) -> str:
        started = time.perf_counter()
        try:
            return await look_at_ci(ctx, repo, sha, seq)
        finally:
            looks.append((sha, time.perf_counter() - started))

    rows: list[dict[str, float]] = []
    with FakeGitHub(work / "github") as github:
        github.add_repo("octo", "calc", files=dict(FILES))
        github.set_permission("alice", "write")
        app = AppUnderTest(github, redis_url, work, private_key_pem())
        app.ci_time_scale, app.ci_poll_s = 1.0, POLL_S
        loop = asyncio.get_running_loop()
        completed: dict[str, float] = {}

        def deliver(event: str, payload: dict[str, Any]) -> None:
            run = payload.get("check_run") or {}
            if run.get("status") == "completed":
                completed[run["head_sha"]] = time.perf_counter()
            asyncio.run_coroutine_threadsafe(app.deliver(event, payload), loop)

        github.ci.webhook = deliver
        github.ci.run_on_push("tests", f"sleep {CI_S} && {ADDS}", branch_prefix="autofix/")
        options = worker_options(app.redis_url, app.make_deps)
        options["functions"] = [
            f if f.name != "look_at_ci" else func(timed_look, name="look_at_ci", keep_result=0)
            for f in options["functions"]
        ]
        worker = Worker(**options)
        task = asyncio.create_task(worker.async_run())
        try:
            for index in range(RUNS):
                number = github.add_issue("octo", "calc", f"bug {index}")
                await app.deliver("issues", app.payloads.labeled(number))
                run = await app.wait_for_run(number, "resolved", deadline_s=120)
                assert run.started_at is not None and run.finished_at is not None
                shown = await _verdict_shown(app, number)
                await asyncio.sleep(1.0)  # the look that showed it still writes the PR body
                [pr] = [p for p in app.pulls() if p["head"]["ref"] == branch_of(number)]
                sha = pr["head"]["sha"]
                mine = [s for head, s in looks if head == sha]
                rows.append(
                    {
                        "run_job_s": (run.finished_at - run.started_at).total_seconds(),
                        "looks": len(mine),
                        "looks_s": sum(mine),
                        "verdict_after_ci_s": shown - completed[sha],
                    }
                )
                rows[-1]["naive_wait_s"] = await naive_wait(app, sha)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await worker.close()
            await app.aclose()
    return summarise(rows)


async def _verdict_shown(app: Any, number: int) -> float:
    """When the status comment first showed CI's verdict."""
    end = time.monotonic() + 120
    while "all 1 check(s)" not in str(app.status_comments(number)[-1]["body"]):
        if time.monotonic() > end:
            raise TimeoutError("CI's verdict never reached the status comment")
        await asyncio.sleep(0.01)
    return time.perf_counter()


async def naive_wait(app: Any, sha: str) -> float:
    """The naive way on a head whose CI runs again: read the checks, sleep a poll interval,
    until they are all complete. The time is a slot the worker holds."""
    from app.github.client import GitHubClients
    from app.worker.adapters import GitHubRepos

    hosted = app.github.state.repo("octo", "calc")
    [old] = [r for r in app.github.ci.runs.values() if r["head_sha"] == sha][-1:]
    async with GitHubClients(app.github_settings()) as clients:
        repo = await GitHubRepos(clients)("octo", "calc", 1)
        app.github.ci.rerun(hosted, old["id"])
        started = time.perf_counter()
        while True:
            snapshot = await repo.ci_snapshot(sha, app.github.app_id)
            verdict = judge(snapshot, CiConfig(), app.github.app_id, time.perf_counter() - started)
            if verdict.done:
                return time.perf_counter() - started
            await asyncio.sleep(NAIVE_POLL_S)


def summarise(rows: list[dict[str, float]]) -> dict[str, Any]:
    def med(key: str) -> float:
        return round(statistics.median(r[key] for r in rows), 3)

    held = med("run_job_s") + med("looks_s")
    return {
        "runs": len(rows),
        "ci_s": CI_S,
        "poll_s": POLL_S,
        "autofix": {
            "run_job_s_p50": med("run_job_s"),
            "looks_p50": med("looks"),
            "looks_total_s_p50": med("looks_s"),
            "slot_s_while_ci_runs_p50": med("looks_s"),
            "verdict_shown_after_ci_s_p50": med("verdict_after_ci_s"),
        },
        "naive_inline_wait": {"slot_s_while_ci_runs_p50": med("naive_wait_s")},
        "slot_time_ratio_naive_over_autofix": round(
            med("naive_wait_s") / max(med("looks_s"), 1e-6), 1
        ),
        "run_and_ci_slot_s_p50": {
            "autofix": round(held, 3),
            "naive": round(med("run_job_s") + med("naive_wait_s"), 3),
        },
        "notes": "CI events delivered as GitHub sends them; a look is queued per event, and "
        "polls every poll_s only while no verdict is in; looks woken by events are at least "
        "15 s apart per head, so a CI shorter than that shows its verdict later. The naive "
        "wait reads the same checks every 0.5 s inside one job until CI is complete, as CI "
        "watching inside the run did.",
    }


def main() -> None:
    with redis_server() as redis, tempfile.TemporaryDirectory() as tmp:
        print(json.dumps(asyncio.run(measure(redis.url, Path(tmp)))))


if __name__ == "__main__":
    main()
