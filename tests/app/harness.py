"""An App under test: fake GitHub, real Redis, real store, ingress app and a real arq worker."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from arq.connections import ArqRedis
from arq.worker import Worker
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import SecretStr

from app.config.policy import OperatorPolicy
from app.github.client import GitHubClients
from app.github.settings import GitHubSettings
from app.store import Store, migrate
from app.store.records import Run, RunStatus
from app.telemetry.run_metrics import RunMetrics
from app.web.app import create_app
from app.web.signature import sign
from app.worker.adapters import GitHubRepos
from app.worker.deps import Executor, SandboxJanitor, WorkerDeps
from app.worker.queue_worker import build_worker
from tests.app.deliveries import Deliveries
from tests.fakes.executor import RecordingReaper, ScriptedExecutor
from tests.fakes.github_server import FakeGitHub

SECRET = "e2e-webhook-secret"


def private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@dataclass
class AppUnderTest:
    """Everything one end-to-end test drives and inspects."""

    github: FakeGitHub
    redis_url: str
    work: Path
    key_pem: str
    executor: Executor | None = None
    owner: str = "octo"
    name: str = "calc"
    reaper: SandboxJanitor = field(default_factory=RecordingReaper)
    db_url: str = ""
    write_interval_s: float = 0.0
    """Spacing of GitHub writes; production's 1 s only slows tests down."""
    policy: OperatorPolicy = field(default_factory=OperatorPolicy)
    metrics: RunMetrics = field(default_factory=RunMetrics)
    """The worker's metrics, shared by every worker the test starts."""
    public_url: str | None = None
    """The dashboard's address (`AUTOFIX_PUBLIC_URL`), for links in comments and PRs."""

    ci_poll_s: float = 0.02
    """Real seconds between reads of the checks when no CI webhook arrives."""
    ci_look_gap_s: float = 0.05
    """Real seconds between two looks at one head woken by CI events."""
    ci_time_scale: float = 600.0
    """CI waits run this much faster than real time: `ci.appear_s` (120 s) passes in 0.2 s."""

    def ci_clock(self) -> float:
        return time.monotonic() * self.ci_time_scale

    def __post_init__(self) -> None:
        self.db_url = self.db_url or f"sqlite:///{self.work / 'autofix.db'}"
        migrate(self.db_url)
        self.store = Store.open(self.db_url)
        if self.executor is None:
            self.executor = ScriptedExecutor(store=self.store)
        self.web = create_app(webhook_secret=SECRET, redis_url=self.redis_url, database_ok=_true)
        self.payloads = Deliveries(self.github, self.owner, self.name)
        self.clients: list[GitHubClients] = []

    def github_settings(self) -> GitHubSettings:
        return GitHubSettings(
            app_id=self.github.app_id,
            private_key=SecretStr(self.key_pem),
            api_url=self.github.api_url,
            write_interval_s=self.write_interval_s,
            max_retry_wait_s=0.1,
            retry_base_s=0.01,
        )

    async def make_deps(self, redis: ArqRedis) -> WorkerDeps:
        clients = GitHubClients(self.github_settings())
        self.clients.append(clients)
        assert self.executor is not None
        return WorkerDeps(
            redis=redis,
            store=self.store,
            repo_for=GitHubRepos(clients),
            executor=self.executor,
            reaper=self.reaper,
            status_interval_s=0.2,
            policy=self.policy,
            public_url=self.public_url,
            metrics=self.metrics,
            github_app_id=self.github.app_id,
            ci_poll_s=self.ci_poll_s,
            ci_look_gap_s=self.ci_look_gap_s,
            ci_clock=self.ci_clock,
        )

    async def _close_clients(self) -> None:
        for clients in self.clients:
            await clients.aclose()
        self.clients.clear()

    async def deliver(
        self, event: str, payload: dict[str, Any], delivery: str | None = None, secret: str = SECRET
    ) -> httpx.Response:
        body = json.dumps(payload).encode()
        headers = {
            "X-GitHub-Event": event,
            "X-GitHub-Delivery": delivery or str(uuid.uuid4()),
            "X-Hub-Signature-256": sign(secret, body),
            "Content-Type": "application/json",
        }
        transport = httpx.ASGITransport(app=self.web)
        async with httpx.AsyncClient(transport=transport, base_url="http://autofix") as client:
            return await client.post("/webhook", content=body, headers=headers)

    async def work_off(self) -> None:
        """Run a burst worker until the queue is empty (deferred jobs included)."""
        worker = build_worker(self.redis_url, self.make_deps, burst=True)
        try:
            await worker.main()
        finally:
            await _close_worker(worker)
            await self._close_clients()

    @contextlib.asynccontextmanager
    async def serving(self) -> AsyncIterator[Worker]:
        """A long-running worker in this event loop, for tests that steer a run mid-flight."""
        worker = build_worker(self.redis_url, self.make_deps)
        task = asyncio.create_task(worker.async_run())
        try:
            yield worker
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await _close_worker(worker)
            await self._close_clients()

    async def wait_for_run(
        self, number: int, status: RunStatus, *, after: int = 0, deadline_s: float = 60.0
    ) -> Run:
        """The issue's latest run (newer than run `after`) once it has `status`."""
        loop = asyncio.get_running_loop()
        end = loop.time() + deadline_s
        while loop.time() < end:
            run = await self.store.latest_run(f"{self.owner}/{self.name}", number)
            if run is not None and run.id > after and run.status == status:
                return run
            await asyncio.sleep(0.1)
        last = await self.store.latest_run(f"{self.owner}/{self.name}", number)
        seen = f"{last.status}: {last.error}" if last else "no run"
        raise AssertionError(f"the run of #{number} never became {status} (last: {seen})")

    async def aclose(self) -> None:
        await self.web.state.queue.aclose(close_connection_pool=True)
        self.store.close()

    # --- what GitHub now holds ----------------------------------------------------------------
    def pulls(self) -> list[dict[str, Any]]:
        return self.github.pulls(self.owner, self.name)

    def comments(self, number: int) -> list[dict[str, Any]]:
        return self.github.comments(self.owner, self.name, number)

    def bot_replies(self, number: int) -> list[str]:
        """Bodies of autofix's comments that are not the status comment."""
        return [
            c["body"]
            for c in self.comments(number)
            if c["user"]["type"] == "Bot" and "<!-- autofix:status" not in c["body"]
        ]

    def status_comments(self, number: int) -> Sequence[dict[str, Any]]:
        return [c for c in self.comments(number) if "<!-- autofix:status" in c["body"]]


async def _close_worker(worker: Worker) -> None:
    # Worker.close() calls redis' deprecated close(); shut down the same way, with aclose.
    await asyncio.gather(*worker.tasks.values(), return_exceptions=True)
    with contextlib.suppress(Exception):
        await worker.pool.delete(worker.health_check_key)
    await worker.pool.aclose(close_connection_pool=True)


async def _true() -> bool:
    return True
