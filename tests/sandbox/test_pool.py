"""Pools of pre-started sandboxes: each handed out once, labelled, reaped, never stale."""

from __future__ import annotations

from pathlib import Path

import docker
import pytest

from sandbox import Environments, Reaper, SandboxPool, SandboxSpec
from sandbox.pool import POOL_LABEL

pytestmark = pytest.mark.docker


def host_netns() -> str:
    return str(Path("/proc/self/ns/net").readlink())


def pooled(client: docker.DockerClient, pool: SandboxPool) -> set[str]:
    found = client.api.containers(all=True, filters={"label": f"{POOL_LABEL}={pool.id}"})
    return {info["Id"] for info in found}


async def test_pool_hands_out_fresh_isolated_sandboxes_once(
    spec: SandboxSpec, client: docker.DockerClient, environments: Environments
) -> None:
    async with SandboxPool(spec, client, size=2, environments=environments) as pool:
        await pool.wait_filled()
        waiting = pooled(client, pool)
        assert pool.ready == 2 and len(waiting) == 2
        async with pool.sandbox() as first, pool.sandbox() as second:
            await first.write_file("used.txt", "left behind")
            nets = [
                (await sb.exec("readlink /proc/self/ns/net; ls -a tests")).output.split()
                for sb in (first, second)
            ]
            handed = {first.container_id, second.container_id}
            labels = client.api.inspect_container(first.container_id)["Config"]["Labels"]
        assert handed == waiting  # both came ready from the pool
        assert not pooled(client, pool) & handed  # removed on exit, never put back
        async with pool.sandbox() as third:
            probe = await third.exec("test -e used.txt; echo $?; git rev-list --all --count")
            assert third.container_id not in handed
        warm = pool.warm_hits
    assert not pooled(client, pool)  # closing the pool removed what still waited
    assert warm == 3
    assert probe.output.split() == ["1", "1"]
    # Each sandbox has its own network namespace (only loopback), not the host's.
    assert nets[0][0] != nets[1][0] and host_netns() not in nets[0]
    assert nets[0][1:] == [".", "..", "test_stats.py"]  # hidden paths stay hidden
    assert labels["autofix.managed"] == "true" and labels[POOL_LABEL] == pool.id
    assert labels["autofix.run_id"] == spec.run_id and labels["autofix.scope"] == spec.scope


async def test_stale_and_orphaned_pool_sandboxes_are_removed(
    spec: SandboxSpec, client: docker.DockerClient, environments: Environments
) -> None:
    stale_pool = SandboxPool(spec, client, size=1, environments=environments, max_idle_s=0)
    async with stale_pool:
        await stale_pool.wait_filled()
        (stale,) = pooled(client, stale_pool)
        async with stale_pool.sandbox() as sb:
            assert sb.container_id != stale
            assert stale not in pooled(client, stale_pool)  # idled too long: dropped
    assert (stale_pool.warm_hits, stale_pool.cold_starts) == (0, 1)

    reaper_scope = f"{spec.scope}-pool"
    dead = spec.model_copy(update={"run_id": "dead-pool-run", "scope": reaper_scope})
    async with SandboxPool(dead, client, size=1, environments=environments) as pool:
        await pool.wait_filled()
        assert len(pooled(client, pool)) == 1
        reaped = await Reaper(client).reap(live_run_ids={"live-run"}, scope=reaper_scope)
        assert not pooled(client, pool)
    assert len(reaped.containers) == 1 and len(reaped.volumes) == 1
