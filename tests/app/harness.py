"""An App under test: fake GitHub, real Redis, real store, ingress app and a burst arq worker."""

from __future__ import annotations

import asyncio
import copy
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from arq.connections import ArqRedis
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import SecretStr

from app.config import RepoConfig
from app.github.client import GitHubClients
from app.github.settings import GitHubSettings
from app.status.tracker import RunTracker
from app.store import Store, migrate
from app.store.records import Run
from app.web.app import create_app
from app.web.signature import sign
from app.worker.adapters import GitHubPublisher, GitHubRepos
from app.worker.deps import Executor, WorkerDeps
from app.worker.ports import RepoApi
from app.worker.results import FileResults
from app.worker.settings import build_worker
from scaling.events import GateDecided, RolloutFinished, RolloutStarted, RoundStarted
from scaling.issue import Issue
from scaling.result import CandidateRecord, GateResult, RolloutRecord, RunResult, Winner
from scaling.summary import RolloutSummary
from tests.app.examples import load_example
from tests.fakes.github_server import FakeGitHub

SECRET = "e2e-webhook-secret"
PATCH = """diff --git a/calc.py b/calc.py
--- a/calc.py
+++ b/calc.py
@@ -1,2 +1,2 @@
 def add(a, b):
-    return a - b
+    return a + b
"""
SUMMARY = "Replaced the subtraction in add() with an addition."


def private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


class ScriptedExecutor:
    """Stands in for the engine at the worker's Executor protocol: one passing candidate."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []

    async def execute(
        self, run: Run, config: RepoConfig, repo: RepoApi, issue: Issue, tracker: RunTracker
    ) -> RunResult:
        self.issues.append(issue)
        rid = f"r{run.id}-0"
        tracker.emit(RoundStarted(round=0, rollouts=1))
        tracker.emit(RolloutStarted(rollout_id=rid, round=0))
        tracker.emit(
            RolloutFinished(rollout_id=rid, exit_status="submitted", steps=3, cost_usd=0.1)
        )
        tracker.emit(GateDecided(rollout_id=rid, passed=True))
        summary = RolloutSummary(rollout_id=rid, approach=f"{SUMMARY} (run {run.id})")
        return RunResult(
            status="resolved",
            winner=Winner(rollout_id=rid, round=0),
            rollouts=(RolloutRecord(id=rid, round=0, exit_status="submitted", patch_sha256="x"),),
            rounds=1,
            candidates=(
                CandidateRecord(
                    id="c1", round=0, rollout_ids=(rid,), count=1, patch_sha256="x", gate="passed"
                ),
            ),
            gates=(GateResult(rollout_id=rid, passed=True),),
            summary=summary,
            summaries=(summary,),
            patch=PATCH,
            cost_usd=0.1,
        )


class NoReaper:
    """Nothing to reap: the scripted executor starts no containers."""

    def __init__(self) -> None:
        self.reaped: list[str] = []

    async def reap(self, run_id: str) -> int:
        self.reaped.append(run_id)
        return 0


@dataclass
class AppUnderTest:
    """Everything one end-to-end test drives and inspects."""

    github: FakeGitHub
    redis_url: str
    work: Path
    key_pem: str
    executor: Executor = field(default_factory=ScriptedExecutor)
    owner: str = "octo"
    name: str = "calc"

    def __post_init__(self) -> None:
        self.db_url = f"sqlite:///{self.work / 'autofix.db'}"
        migrate(self.db_url)
        self.store = Store.open(self.db_url)
        self.reaper = NoReaper()
        self.web = create_app(webhook_secret=SECRET, redis_url=self.redis_url, database_ok=_true)

    def github_settings(self) -> GitHubSettings:
        return GitHubSettings(
            app_id=self.github.app_id,
            private_key=SecretStr(self.key_pem),
            api_url=self.github.api_url,
            write_interval_s=0.0,
            max_retry_wait_s=0.1,
            retry_base_s=0.01,
        )

    async def make_deps(self, redis: ArqRedis) -> WorkerDeps:
        self.clients = GitHubClients(self.github_settings())
        return WorkerDeps(
            redis=redis,
            store=self.store,
            repo_for=GitHubRepos(self.clients),
            executor=self.executor,
            publisher=GitHubPublisher(),
            reaper=self.reaper,
            results=FileResults(self.work / "results"),
            status_interval_s=0.2,
        )

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
        """Run a burst worker until the queue is empty."""
        worker = build_worker(self.redis_url, self.make_deps, burst=True)
        try:
            await worker.main()
        finally:
            # Worker.close() calls redis' deprecated close(); shut down the same way, with aclose.
            await asyncio.gather(*worker.tasks.values(), return_exceptions=True)
            await worker.pool.delete(worker.health_check_key)
            await worker.pool.aclose(close_connection_pool=True)
            await self.clients.aclose()

    async def aclose(self) -> None:
        await self.web.state.queue.aclose()
        self.store.close()

    # --- payloads built from real examples ---------------------------------------------------
    def _readdress(self, data: dict[str, Any], sender: str) -> dict[str, Any]:
        data = copy.deepcopy(data)
        data["repository"]["name"] = self.name
        data["repository"]["full_name"] = f"{self.owner}/{self.name}"
        data["repository"]["owner"]["login"] = self.owner
        data["sender"]["login"] = sender
        data["installation"] = {"id": 1, "node_id": "x"}
        return data

    def labeled(self, number: int, sender: str = "alice", label: str = "autofix") -> dict[str, Any]:
        data = self._readdress(load_example("issues.labeled.9.json"), sender)
        data["issue"]["number"] = number
        data["label"]["name"] = label
        return data

    def comment(
        self, number: int, body: str, sender: str = "alice", pr: bool = False
    ) -> dict[str, Any]:
        """A comment as GitHub holds it plus the `issue_comment.created` payload announcing it."""
        state, shapes = self.github.state, self.github.shapes
        full = f"{self.owner}/{self.name}"
        with state.lock:
            comment_id = next(state.ids)
            state.comments[comment_id] = shapes.comment(
                full, number, comment_id, body, shapes.user(sender)
            )
            state.comment_issue[comment_id] = (full, number)
        data = self._readdress(load_example("issue_comment.created.0.json"), sender)
        data["comment"]["id"] = comment_id
        data["issue"]["number"] = number
        data["issue"].pop("pull_request", None)
        if pr:
            data["issue"]["pull_request"] = {"url": "x"}
        data["comment"]["body"] = body
        return data

    # --- what GitHub now holds ----------------------------------------------------------------
    def pulls(self) -> list[dict[str, Any]]:
        return self.github.pulls(self.owner, self.name)

    def comments(self, number: int) -> list[dict[str, Any]]:
        return self.github.comments(self.owner, self.name, number)

    def status_comments(self, number: int) -> Sequence[dict[str, Any]]:
        return [c for c in self.comments(number) if "<!-- autofix:status" in c["body"]]


async def _true() -> bool:
    return True
