"""Agent test fixtures: the Anthropic fake behind the real SDK, and a git copy of examples/calc."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import shutil
import subprocess
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import docker.errors
import pytest

from app.agent.runner import SandboxFactory
from app.llm.anthropic import AnthropicModel
from app.llm.retry import RetryPolicy
from sandbox import DockerSandbox, Environments, Reaper, SandboxSpec, docker_client
from sandbox.images import IMAGE_SCOPE
from scaling.events import Event
from tests.fakes.anthropic_server import FakeAnthropic, fake_anthropic

__all__ = ["Events", "calc_repo", "events", "fake_anthropic", "model", "sandboxes"]

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "calc"


# Fixed dates give identical commits across tests, so sandbox images are built only once.
GIT_ENV = {
    "GIT_AUTHOR_NAME": "autofix-tests",
    "GIT_AUTHOR_EMAIL": "tests@autofix.invalid",
    "GIT_COMMITTER_NAME": "autofix-tests",
    "GIT_COMMITTER_EMAIL": "tests@autofix.invalid",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
    "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, **GIT_ENV},
    )
    return done.stdout.strip()


@pytest.fixture
def calc_repo(tmp_path: Path) -> Path:
    """examples/calc committed in a fresh git repository; returns its path."""
    repo = tmp_path / "calc"
    shutil.copytree(EXAMPLE, repo)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "calc")
    return repo


class DockerScope:
    """This session's Docker client, image cache and label scope."""

    def __init__(self) -> None:
        self.name = f"agent-tests-{uuid.uuid4().hex[:8]}"
        self.client = docker_client()
        self.environments = Environments()

    def cleanup(self) -> None:
        asyncio.run(Reaper(self.client).reap(live_run_ids=(), scope=self.name))
        for image in self.client.api.images(filters={"label": f"{IMAGE_SCOPE}={self.name}"}):
            with contextlib.suppress(docker.errors.APIError):
                self.client.api.remove_image(image["Id"], force=True)


@pytest.fixture(scope="session")
def docker_scope() -> Iterator[DockerScope]:
    """Everything this session creates in Docker carries its scope and is removed at the end."""
    scope = DockerScope()
    try:
        yield scope
        scope.cleanup()
    finally:
        scope.client.close()


@pytest.fixture
def sandboxes(calc_repo: Path, docker_scope: DockerScope) -> Iterator[SandboxFactory]:
    """Real Docker sandboxes of calc_repo at HEAD, one per rollout."""

    def factory(rollout_id: str) -> DockerSandbox:
        spec = SandboxSpec(
            repo=calc_repo, commit="HEAD", run_id=rollout_id, scope=docker_scope.name
        )
        return DockerSandbox(spec, docker_scope.client, environments=docker_scope.environments)

    yield factory
    # Collect leaked sandbox sockets now, so any warning about them lands on this test.
    gc.collect()


@pytest.fixture
async def model(fake_anthropic: FakeAnthropic) -> AsyncIterator[AnthropicModel]:
    """The real AnthropicModel pointed at the fake; no retries so scripted errors surface."""
    async with AnthropicModel(
        "claude-sonnet-4-6",
        api_key="sk-ant-test-fake",
        base_url=fake_anthropic.base_url,
        retry=RetryPolicy(max_retries=0, timeout_s=30),
    ) as m:
        yield m


class Events:
    """An EventSink that keeps what it is given."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self._changed = asyncio.Event()

    def emit(self, event: Event) -> None:
        self.events.append(event)
        self._changed.set()

    async def wait_for(self, seen: Callable[[Event], bool]) -> None:
        """Return once an event satisfying `seen` has been emitted."""
        while not any(seen(e) for e in self.events):
            self._changed.clear()
            await self._changed.wait()

    def kinds(self) -> list[str]:
        return [e.kind for e in self.events]


@pytest.fixture
def events() -> Events:
    return Events()
