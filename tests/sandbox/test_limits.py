"""Sandbox resource limits under abuse: huge diffs, a filled /tmp, the writable layer, lifetime."""

from __future__ import annotations

import time
import tracemalloc

import docker
import pytest

from sandbox import DockerSandbox, Environments, SandboxSpec
from sandbox.errors import PatchTooLarge
from sandbox.layer import LAYER_LABEL

MIB = 1024 * 1024


async def test_a_diff_of_hundreds_of_mib_is_refused_before_it_leaves_the_sandbox(
    spec: SandboxSpec, client: docker.DockerClient, environments: Environments
) -> None:
    async with DockerSandbox(spec, client, environments=environments) as sandbox:
        made = await sandbox.exec("yes 'a line of generated text' | head -c 300M > big.txt", 120)
        assert made.ok, made.output
        await sandbox.write_file("calc/stats.py", "def mean(xs):\n    return 0\n")
        tracemalloc.start()
        try:
            with pytest.raises(PatchTooLarge) as refused:
                await sandbox.diff()
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 16 * MIB, f"the host held {peak / MIB:.0f} MiB of a refused diff"
    message = str(refused.value)
    assert "1,048,576 bytes" in message and "big.txt (314572800 bytes)" in message


async def test_a_diff_under_the_cap_still_comes_back_whole(
    spec: SandboxSpec, client: docker.DockerClient, environments: Environments
) -> None:
    small = spec.model_copy(update={"max_patch_bytes": 64 * 1024})
    async with DockerSandbox(small, client, environments=environments) as sandbox:
        await sandbox.write_file("notes.txt", "x" * 40_000 + "\n")
        patch = await sandbox.diff()
        await sandbox.write_file("more.txt", "y" * 40_000 + "\n")
        with pytest.raises(PatchTooLarge):
            await sandbox.diff()
    assert patch.startswith("diff --git a/notes.txt b/notes.txt") and patch.endswith("x\n")


async def test_tmp_is_a_size_limited_tmpfs(
    spec: SandboxSpec, client: docker.DockerClient, environments: Environments
) -> None:
    capped = spec.model_copy(update={"tmp_size": "32m"})
    async with DockerSandbox(capped, client, environments=environments) as sandbox:
        fs = await sandbox.exec("stat -f -c %T /tmp; df -B1 --output=size /tmp | tail -1")
        filled = await sandbox.exec("head -c 64M /dev/zero > /tmp/fill", 60)
        # Uploads still work: they are staged outside the tmpfs.
        await sandbox.write_file("uploaded.txt", "still writable\n")
        back = await sandbox.read_file("uploaded.txt")
    kind, size = fs.output.split()
    assert kind == "tmpfs" and int(size) == 32 * MIB
    assert not filled.ok and "No space left" in filled.output
    assert back == b"still writable\n"


async def test_programs_built_in_tmp_can_run(
    spec: SandboxSpec, client: docker.DockerClient, environments: Environments
) -> None:
    # Toolchains build and run their test binaries under /tmp (go test, cargo's doc-tests):
    # a noexec /tmp would break every agent that runs them.
    async with DockerSandbox(spec, client, environments=environments) as sandbox:
        ran = await sandbox.exec("cp /bin/echo /tmp/built && /tmp/built ran from tmp")
    assert ran.ok and "ran from tmp" in ran.output, ran.output


async def test_the_writable_layer_is_capped_or_the_sandbox_says_why_not(
    spec: SandboxSpec, client: docker.DockerClient, environments: Environments
) -> None:
    async with DockerSandbox(spec, client, environments=environments) as sandbox:
        info = client.api.inspect_container(sandbox.container_id)
    recorded = info["Config"]["Labels"][LAYER_LABEL]
    storage = info["HostConfig"].get("StorageOpt") or {}
    if storage:
        assert storage == {"size": spec.layer_size} and recorded == spec.layer_size
    else:
        # This engine's storage driver cannot cap a container's layer; the reason is kept.
        assert recorded.startswith("none: ") and "storage-opt" in recorded


async def test_a_sandbox_outlives_its_longest_test_timeout(
    spec: SandboxSpec, client: docker.DockerClient, environments: Environments
) -> None:
    long_tests = SandboxSpec.model_validate(
        {**spec.model_dump(), "ttl_s": 3600, "exec_timeout_s": 7200}
    )
    assert long_tests.ttl_s > 7200
    async with DockerSandbox(long_tests, client, environments=environments) as sandbox:
        labels = client.api.inspect_container(sandbox.container_id)["Config"]["Labels"]
        boot = client.api.inspect_container(sandbox.container_id)["Args"]
    assert int(labels["autofix.expires_at"]) > time.time() + 7200
    assert boot[-1] == str(long_tests.ttl_s)


async def test_reading_a_huge_file_with_a_limit_cuts_it_inside_the_sandbox(
    spec: SandboxSpec, client: docker.DockerClient, environments: Environments
) -> None:
    async with DockerSandbox(spec, client, environments=environments) as sandbox:
        made = await sandbox.exec("truncate -s 1G AGENTS.md && printf 'tail' >> AGENTS.md")
        assert made.ok, made.output
        tracemalloc.start()
        try:
            head = await sandbox.read_file("AGENTS.md", max_bytes=4096)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        await sandbox.write_file("small.txt", "whole\n")
        whole = await sandbox.read_file("small.txt")
    assert head == b"\0" * 4096
    assert peak < 16 * MIB, f"the host held {peak / MIB:.0f} MiB of a 1 GiB file"
    assert whole == b"whole\n"
