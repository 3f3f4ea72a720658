"""Starting, sharing environments, cleaning up and reaping sandboxes."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import docker
import pytest

from sandbox import DockerSandbox, Environments, Reaper, SandboxSpec
from tests.sandbox.conftest import PROJECT, SETUP
from tests.sandbox.gitrepo import commit_files

pytestmark = pytest.mark.docker


def exists(client: docker.DockerClient, container_id: str, volume: str) -> tuple[bool, bool]:
    containers = client.api.containers(all=True, filters={"id": container_id})
    volumes = (client.api.volumes(filters={"name": volume}) or {}).get("Volumes") or []
    return bool(containers), any(v["Name"] == volume for v in volumes)


def volume_of(client: docker.DockerClient, container_id: str) -> str:
    mounts = client.api.inspect_container(container_id)["Mounts"]
    return str(next(m["Name"] for m in mounts if m["Destination"] == "/workspace"))


async def test_setup_runs_once_for_many_concurrent_sandboxes(
    tmp_path: Path, client: docker.DockerClient, scope: str
) -> None:
    repo = tmp_path / "calc"
    first = commit_files(repo, PROJECT)
    envs = Environments()
    unique = f"{SETUP} # {uuid.uuid4().hex}"  # no environment image from earlier runs fits
    spec = SandboxSpec(repo=repo, commit=first, setup=(unique,), run_id="setup-once", scope=scope)

    async def probe(sb_spec: SandboxSpec) -> tuple[str, str]:
        async with DockerSandbox(sb_spec, client, environments=envs) as sb:
            await sb.write_file("mine.txt", sb.container_id)
            runs = await sb.exec("wc -l < /var/tmp/setup-runs; cat mine.txt; echo")
            where = await sb.exec("cd /tmp && python3 -c 'import calc; print(calc.__file__)'")
            return runs.output, where.output.strip()

    results = await asyncio.gather(*(probe(spec) for _ in range(8)))
    assert envs.setup_runs == 1
    assert {where for _, where in results} == {"/workspace/calc/__init__.py"}
    lines = [runs.split() for runs, _ in results]
    assert all(count == "1" for count, _ in lines)
    assert len({mine for _, mine in lines}) == 8  # each sandbox saw only its own file

    # A later commit with the same setup files reuses the environment, not the old tree.
    second = commit_files(repo, {"calc/new.py": "X = 2\n"}, delete=("old.txt",))
    newer = spec.model_copy(update={"commit": second})
    async with DockerSandbox(newer, client, environments=envs) as sb:
        listing = await sb.exec("ls; git log --format=%s; python3 -c 'import calc.new'")
    assert envs.setup_runs == 1
    assert "old.txt" not in listing.output.split()
    assert "new.py" not in listing.output  # ls shows the top level only
    assert listing.exit_code == 0, listing.output
    assert listing.output.split().count("base") == 1


async def test_sandbox_is_removed_with_its_volume_even_after_an_error(
    spec: SandboxSpec, client: docker.DockerClient, environments: Environments
) -> None:
    sandbox = DockerSandbox(spec, client, environments=environments)
    with pytest.raises(RuntimeError, match="boom"):
        async with sandbox as sb:
            container_id = sb.container_id
            volume = volume_of(client, container_id)
            assert exists(client, container_id, volume) == (True, True)
            raise RuntimeError("boom")
    assert exists(client, container_id, volume) == (False, False)
    await sandbox.close()  # idempotent


async def test_reaper_removes_orphans_and_spares_live_runs(
    spec: SandboxSpec, client: docker.DockerClient, environments: Environments
) -> None:
    reaper_scope = f"{spec.scope}-reaper"
    live = spec.model_copy(update={"run_id": "live-run", "scope": reaper_scope})
    orphan = spec.model_copy(update={"run_id": "dead-run", "scope": reaper_scope})
    expired = spec.model_copy(update={"run_id": "live-run", "scope": reaper_scope, "ttl_s": 1})
    async with (
        DockerSandbox(live, client, environments=environments) as kept,
        DockerSandbox(orphan, client, environments=environments) as gone,
        DockerSandbox(expired, client, environments=environments) as old,
    ):
        gone_volume = volume_of(client, gone.container_id)
        await asyncio.sleep(1.5)
        reaped = await Reaper(client).reap(live_run_ids={"live-run"}, scope=reaper_scope)
        still = await kept.exec("echo still-here")
        old_id = old.container_id
    assert still.output.strip() == "still-here"
    assert len(reaped.containers) == 2
    assert gone_volume in reaped.volumes
    assert exists(client, gone.container_id, gone_volume) == (False, False)
    assert not client.api.containers(all=True, filters={"id": old_id})


async def test_a_volume_whose_container_was_removed_from_outside_is_reaped(
    spec: SandboxSpec, client: docker.DockerClient, environments: Environments
) -> None:
    scope = f"{spec.scope}-orphan"
    lost = spec.model_copy(update={"run_id": "live-run", "scope": scope})
    live = spec.model_copy(update={"run_id": "live-run", "scope": scope})
    async with (
        DockerSandbox(lost, client, environments=environments) as gone,
        DockerSandbox(live, client, environments=environments) as kept,
    ):
        volume = volume_of(client, gone.container_id)
        kept_volume = volume_of(client, kept.container_id)
        # Someone removes the container by hand; `docker rm -f` leaves named volumes behind.
        removal = await asyncio.create_subprocess_exec("docker", "rm", "-f", gone.container_id)
        assert await removal.wait() == 0
        assert exists(client, gone.container_id, volume) == (False, True)
        # Within the grace period a volume without a container may be a sandbox being made.
        fresh = await Reaper(client).reap(scope=scope)
        assert volume not in fresh.volumes
        reaped = await Reaper(client, orphan_grace_s=0).reap(scope=scope)
        still = await kept.exec("echo still-here")
    assert reaped.volumes == (volume,) and reaped.containers == ()
    assert exists(client, gone.container_id, volume) == (False, False)
    assert kept_volume not in reaped.volumes and still.output.strip() == "still-here"


async def test_a_sweep_stays_inside_its_scope_prefix(
    spec: SandboxSpec, client: docker.DockerClient, environments: Environments
) -> None:
    mine = spec.model_copy(update={"run_id": "r1", "scope": f"{spec.scope}-mine-run-1"})
    theirs = spec.model_copy(update={"run_id": "r1", "scope": f"{spec.scope}-minefield-run-1"})
    async with (
        DockerSandbox(mine, client, environments=environments) as a,
        DockerSandbox(theirs, client, environments=environments) as b,
    ):
        volumes = [volume_of(client, a.container_id), volume_of(client, b.container_id)]
        for sandbox in (a, b):
            client.api.remove_container(sandbox.container_id, force=True)
        reaped = await Reaper(client, orphan_grace_s=0).reap(scope_prefix=f"{spec.scope}-mine")
        assert reaped.volumes == (volumes[0],)
        assert exists(client, b.container_id, volumes[1]) == (False, True)
