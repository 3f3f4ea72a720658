"""Dashboard speed with a full store. Prints one JSON object.

For SQLite and PostgreSQL: 10,000 runs in the store (one of them a finished 16-rollout,
2-round run with its result), then, through the whole FastAPI stack in-process with the
operator token: the runs list (first page, a later page, filtered by status and by a set of
repositories) and the finished run's page. p50/p95 over repeated requests, and the SQL
statements each request sent. The naive way, loading every run and paging in Python, is
measured in the same run for comparison. Target: p95 under 200 ms for each page.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr
from sqlalchemy import event

from app.store import NewRun, Store, migrate
from app.web.app import create_app
from app.web.auth.gate import Gatekeeper
from app.web.dashboard import Dashboard
from tests.services import postgres_server
from tests.web.samples import finished_result, seed_run

TOKEN = "benchmark-operator-token-" + "x" * 16
TARGET_P95_MS = 200.0
REPOS = [f"org{n % 40}/repo{n % 200}" for n in range(200)]
STATUSES = ("resolved", "unresolved", "failed", "cancelled", "superseded")


class Counter:
    """SQL statements sent through one engine."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *_: Any) -> None:
        self.count += 1


async def fill(store: Store, runs: int) -> int:
    """`runs` runs over 200 repositories; returns the id of the one finished with a result."""
    finished = await seed_run(store, "org1/repo1", 1, result=finished_result(16, 2))
    for n in range(runs - 1):
        await store.create_run(
            NewRun(
                repo=REPOS[n % len(REPOS)],
                installation_id=1,
                issue_number=1000 + n,
                trigger="label",
                delivery_id=f"bench-{n}",
            )
        )
    return finished


def statuses_for_half(store: Store) -> None:
    """Finish half of the queued runs so status filters have something to skip."""
    from sqlalchemy import text

    with store.engine.begin() as connection:
        for index, status in enumerate(STATUSES):
            connection.execute(
                text("UPDATE runs SET status = :s WHERE status = 'queued' AND id % 10 = :i"),
                {"s": status, "i": index},
            )


async def timed(
    call: Callable[[], Awaitable[httpx.Response]], counter: Counter, repeat: int
) -> dict[str, float | int]:
    samples, queries = [], 0
    for _ in range(repeat):
        before = counter.count
        started = time.perf_counter()
        response = await call()
        samples.append((time.perf_counter() - started) * 1000)
        queries = counter.count - before
        if response.status_code != 200:
            raise RuntimeError(f"{response.status_code}: {response.text[:200]}")
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[int(0.95 * (len(samples) - 1))], 2),
        "queries": queries,
        "bytes": len(response.content),
    }


async def measure(url: str, runs: int, repeat: int) -> dict[str, Any]:
    migrate(url)
    store = Store.open(url)
    counter = Counter()
    event.listen(store.engine, "before_cursor_execute", counter)
    started = time.perf_counter()
    finished = await fill(store, runs)
    statuses_for_half(store)
    fill_s = time.perf_counter() - started
    dashboard = Dashboard(
        reader=store,
        gate=Gatekeeper(None, SecretStr(TOKEN)),
        web_url="https://github.com",
        runs_dir=Path(tempfile.gettempdir()) / "autofix-bench-none",
    )

    async def ok() -> bool:
        return True

    app = create_app(
        webhook_secret="w" * 32,
        redis_url="redis://127.0.0.1:1/0",
        database_ok=ok,
        dashboard=dashboard,
    )
    headers = {"Authorization": f"Bearer {TOKEN}"}
    some = "&".join(f"repo={r}" for r in REPOS[:1])
    out: dict[str, Any] = {"runs": runs, "fill_s": round(fill_s, 1)}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://bench", headers=headers
    ) as client:
        pages = {
            "runs_list": "/",
            "runs_list_deep_page": f"/?before={runs // 2}",
            "runs_list_status": "/?status=cancelled",
            "runs_list_repo": f"/?{some}",
            "api_runs": "/api/runs",
            "run_page": f"/runs/{finished}",
            "api_run": f"/api/runs/{finished}",
        }
        for name, path in pages.items():
            await client.get(path)  # warm-up
            out[name] = await timed(lambda p=path: client.get(p), counter, repeat)  # type: ignore[misc]

        async def naive() -> httpx.Response:
            everything = await store.list_runs(limit=runs + 1)
            page = everything[:50]
            return httpx.Response(200, content=str([r.id for r in page]).encode())

        out["naive_list_all_then_slice"] = await timed(naive, counter, max(repeat // 5, 3))
    store.close()
    out["ok"] = all(out[name]["p95_ms"] < TARGET_P95_MS for name in pages)
    return out


@contextmanager
def postgres_url() -> Iterator[str]:
    with postgres_server() as server:
        yield server.create_database(f"bench_{uuid.uuid4().hex[:8]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args(argv)
    report: dict[str, Any] = {"target_p95_ms": TARGET_P95_MS}
    with tempfile.TemporaryDirectory(prefix="autofix-bench-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'autofix.db'}"
        report["sqlite"] = asyncio.run(measure(url, args.runs, args.repeat))
    if not args.no_postgres:
        with postgres_url() as url:
            report["postgresql"] = asyncio.run(measure(url, args.runs, args.repeat))
    report["ok"] = all(v["ok"] for k, v in report.items() if isinstance(v, dict))
    print(json.dumps(report, indent=2))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
