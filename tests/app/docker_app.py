"""The App with its real executor: Docker sandboxes, the agent, summaries and votes over the
fake Anthropic API, clones and pushes over the fake GitHub's git smart HTTP."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import docker
from pydantic import SecretStr

from app.settings import Settings
from app.worker.adapters import RunReaper
from app.worker.executor import EngineExecutor
from sandbox.client import docker_client
from sandbox.reaper import Reaper
from tests.app.harness import AppUnderTest
from tests.fakes.anthropic_server import FakeAnthropic
from tests.fakes.example_repo import EXAMPLE
from tests.fakes.github_server import FakeGitHub

# Small on purpose: every rollout, gate and holdout run is a container on a 2-core CI machine.
CONFIG = """rollouts: 2
rounds: 1
votes: 1
tests:
  command: python3 -m pytest -q
  holdout: [tests/holdout]
  protected: [tests]
budget:
  usd: 2.0
  steps: 8
"""
ISSUE = (
    "median() is wrong for an even number of values",
    "`calc.median([1, 2, 3, 4])` returns `3`; it should be `2.5`.",
)
SCOPE_LABEL = "autofix.scope"


def host_calc(github: FakeGitHub, config: str = CONFIG) -> int:
    """octo/calc from examples/calc with `config`; returns the number of its issue."""
    github.add_repo("octo", "calc", from_path=EXAMPLE, files={".github/autofix.yml": config})
    github.set_permission("alice", "write")
    return github.add_issue("octo", "calc", *ISSUE)


def unique_prefix() -> str:
    """A sandbox scope prefix no other test (or helper) shares."""
    return f"autofixtest{uuid.uuid4().hex[:8]}"


def worker_settings(anthropic: FakeAnthropic, work: Path) -> Settings:
    return Settings.model_validate(
        {
            "ANTHROPIC_API_KEY": SecretStr("sk-ant-test-fake"),
            "ANTHROPIC_BASE_URL": anthropic.base_url,
            "work_dir": work,
        }
    )


def docker_app(
    github: FakeGitHub,
    anthropic: FakeAnthropic,
    redis_url: str,
    work: Path,
    key_pem: str,
    prefix: str,
    db_url: str = "",
) -> AppUnderTest:
    """An App whose worker runs the real engine in sandboxes scoped by `prefix`."""
    app = AppUnderTest(github, redis_url, work, key_pem, db_url=db_url)
    settings = worker_settings(anthropic, work / "worker")
    app.executor = EngineExecutor(settings, app.store, prefix, metrics=app.metrics)
    app.reaper = RunReaper(Reaper(docker_client()), prefix)
    return app


def containers_of(prefix: str) -> list[dict[str, Any]]:
    """Containers (any state) whose scope starts with `prefix`."""
    client = docker.DockerClient.from_env(use_context=False)
    try:
        listed = client.api.containers(all=True, filters={"label": "autofix.managed=true"})
    finally:
        client.close()
    return [c for c in listed if (c.get("Labels") or {}).get(SCOPE_LABEL, "").startswith(prefix)]


async def wait_for_containers(
    prefix: str, present: bool, deadline_s: float, label: str | None = None
) -> list[Any]:
    """Poll until containers of `prefix` (with `label`, if given) exist (or are all gone);
    returns the last listing."""
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline_s
    while True:
        found = await asyncio.to_thread(containers_of, prefix)
        found = [c for c in found if label is None or label in (c.get("Labels") or {})]
        if bool(found) == present or loop.time() > end:
            return found
        await asyncio.sleep(0.5)


def remove_containers(prefix: str) -> None:
    """Last-resort cleanup of what a failed test left behind (only this test's scope)."""
    client = docker.DockerClient.from_env(use_context=False)
    try:
        for info in containers_of(prefix):
            client.api.remove_container(info["Id"], force=True, v=True)
        for volume in (
            client.api.volumes(filters={"label": "autofix.managed=true"})["Volumes"] or []
        ):
            if (volume.get("Labels") or {}).get(SCOPE_LABEL, "").startswith(prefix):
                client.api.remove_volume(volume["Name"], force=True)
    finally:
        client.close()
