"""Hardening: no network, no capabilities, no root, bounded processes and memory, no history."""

from __future__ import annotations

import asyncio
import shlex
from asyncio.subprocess import PIPE

import docker
import pytest

from sandbox import DockerSandbox, Environments, Limits, SandboxSpec

pytestmark = pytest.mark.docker


async def test_sandbox_is_locked_down(
    spec: SandboxSpec, client: docker.DockerClient, environments: Environments
) -> None:
    async with DockerSandbox(spec, client, environments=environments) as sb:
        interfaces = await sb.exec("tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '")
        caps = await sb.exec("grep -E '^Cap(Eff|Prm|Bnd)' /proc/self/status")
        who = await sb.exec("id -u; id -g; grep NoNewPrivs /proc/self/status")
        info = client.api.inspect_container(sb.container_id)
    assert interfaces.output.split() == ["lo"]
    for line in caps.output.splitlines():
        assert line.split()[1] == "0000000000000000", line
    assert who.output.split() == ["1000", "1000", "NoNewPrivs:", "1"]
    labels = info["Config"]["Labels"]
    assert labels["autofix.managed"] == "true"
    assert labels["autofix.run_id"] == spec.run_id
    assert int(labels["autofix.expires_at"]) > 0
    assert labels["autofix.scope"] == spec.scope
    assert info["HostConfig"]["PidsLimit"] == spec.limits.pids


# Test runners look up `localhost` as they start (Vite, dev servers, database clients). With no
# network the engine writes no hosts file; the sandbox must still know its loopback names.
LOOKUP = (
    "import socket\n"
    "server = socket.create_server(('', 0))\n"
    "port = server.getsockname()[1]\n"
    "for name in ('localhost', 'sandbox'):\n"
    "    with socket.create_connection((name, port), timeout=5):\n"
    "        print(name, server.accept()[1][0].startswith('127.'))\n"
)


async def test_loopback_names_resolve_with_no_network(
    spec: SandboxSpec, client: docker.DockerClient, environments: Environments
) -> None:
    async with DockerSandbox(spec, client, environments=environments) as sb:
        names = await sb.exec("hostname; getent hosts localhost sandbox | wc -l")
        connected = await sb.exec(f"python3 -c {shlex.quote(LOOKUP)}")
        writable = await sb.exec("test -w /etc/hosts && echo writable; ls -l /etc/hosts")
        interfaces = await sb.exec("tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '")
    assert names.output.split() == ["sandbox", "2"], names.output
    assert connected.output.split() == ["localhost", "True", "sandbox", "True"], connected.output
    # The agent cannot point the names elsewhere, and there is still no network to reach.
    assert "writable" not in writable.output and " root root " in writable.output, writable
    assert interfaces.output.split() == ["lo"]


async def test_hidden_paths_are_absent_from_files_and_history(
    spec: SandboxSpec, client: docker.DockerClient, environments: Environments
) -> None:
    async with DockerSandbox(spec, client, environments=environments) as sb:
        listing = await sb.exec("ls -a tests; git rev-list --all --count; git remote -v")
        paths = await sb.exec("git rev-list --all --objects | grep -c holdout")
        blobs = await sb.exec("git cat-file --batch-all-objects --batch | grep -c holdout-canary")
        image = await sb.exec("grep -rl holdout-canary /opt /workspace; echo done")
    assert listing.output.split() == [".", "..", "test_stats.py", "1"]
    assert paths.output.strip() == "0"
    assert blobs.output.strip() == "0"
    assert image.output.split() == ["done"]


async def test_fork_bomb_and_memory_hog_are_contained(
    spec: SandboxSpec, client: docker.DockerClient, environments: Environments
) -> None:
    tight = spec.model_copy(update={"limits": Limits(memory="256m", cpus=0.5, pids=64)})
    async with DockerSandbox(tight, client, environments=environments) as sb:
        bomb = await sb.exec("bomb() { bomb | bomb & }; bomb; sleep 60", timeout=8)
        hog = await sb.exec("python3 -c 'x = bytearray(1 << 30); print(len(x))'", timeout=60)
        after = await sb.exec("echo alive; ps -e --no-headers | wc -l", timeout=30)
    assert bomb.timed_out
    assert "Resource temporarily unavailable" in bomb.output  # the pids limit held
    assert hog.exit_code != 0 and str(1 << 30) not in hog.output
    alive, processes = after.output.split()
    assert alive == "alive" and int(processes) < 10  # the bomb is gone
    host = await asyncio.create_subprocess_exec("sh", "-c", "echo host-ok", stdout=PIPE)
    stdout, _ = await host.communicate()
    assert stdout.strip() == b"host-ok"
    assert client.ping()
