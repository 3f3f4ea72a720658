"""Workers on one Docker engine build a new environment once, even at the same moment."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import uuid
from pathlib import Path

import docker
import pytest

from sandbox import SandboxSpec
from sandbox.locks import host_lock
from tests.sandbox.conftest import PROJECT
from tests.sandbox.gitrepo import commit_files

ROOT = Path(__file__).resolve().parents[2]
# One worker: get ready, wait for the signal, prepare the environment, say what happened.
WORKER = """
import asyncio, json, sys, time
from pathlib import Path
from sandbox import Environments, SandboxSpec, docker_client

async def main() -> None:
    spec = SandboxSpec.model_validate_json(sys.argv[1])
    locks, ready, go = (Path(a) for a in sys.argv[2:5])
    client, envs = docker_client(), Environments(lock_dir=locks)
    ready.touch()
    while not go.exists():
        await asyncio.sleep(0.01)
    prepared = await envs.prepare(client, spec)
    print(json.dumps({"setup_runs": envs.setup_runs, "image": prepared.image_id}))

asyncio.run(main())
"""


async def test_host_lock_excludes_other_holders_and_survives_cancelled_waiters(
    tmp_path: Path,
) -> None:
    held: list[str] = []
    a_holds, release_a = asyncio.Event(), asyncio.Event()

    async def hold(who: str, release: asyncio.Event | None = None) -> None:
        async with host_lock(tmp_path, "k.lock"):
            held.append(f"{who}+")
            if release is not None:
                a_holds.set()
                await release.wait()
            held.append(f"{who}-")

    # Events, not sleeps, order the holders: a loaded machine cannot reorder them.
    first = asyncio.create_task(hold("a", release_a))
    await a_holds.wait()
    waiter = asyncio.create_task(hold("cancelled"))
    await asyncio.sleep(0.2)  # long enough for the waiter to be polling for the lock
    waiter.cancel()
    second = asyncio.create_task(hold("b"))
    await asyncio.sleep(0)
    release_a.set()
    # A cancelled waiter that still took the lock later would keep b waiting for good.
    async with asyncio.timeout(30):
        await asyncio.gather(first, waiter, second, return_exceptions=True)
    assert held == ["a+", "a-", "b+", "b-"]


@pytest.mark.docker
async def test_two_processes_run_setup_of_a_new_environment_once(
    tmp_path: Path, client: docker.DockerClient, scope: str
) -> None:
    repo = tmp_path / "calc"
    sha = commit_files(repo, {**PROJECT, "NONCE": uuid.uuid4().hex})
    # The sleep keeps the first build going while the other worker looks for the image.
    setup = f"sleep 1 # {uuid.uuid4().hex}"
    spec = SandboxSpec(repo=repo, commit=sha, setup=(setup,), scope=scope)
    go = tmp_path / "go"
    ready = [tmp_path / f"ready-{n}" for n in range(2)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = (spec.model_dump_json(), str(tmp_path / "locks"))
    procs = []
    for flag in ready:
        argv = (sys.executable, "-c", WORKER, *args, str(flag), str(go))
        pipe = asyncio.subprocess.PIPE
        procs.append(await asyncio.create_subprocess_exec(*argv, stdout=pipe, env=env, cwd=ROOT))
    while not all(flag.exists() for flag in ready):
        assert all(p.returncode is None for p in procs), "a worker died while starting"
        await asyncio.sleep(0.02)
    go.touch()
    outputs = [(await p.communicate())[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    results = [json.loads(out) for out in outputs]
    assert sum(r["setup_runs"] for r in results) == 1
    assert results[0]["image"] == results[1]["image"]
