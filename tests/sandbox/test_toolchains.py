"""Toolchains a repository asks for become a cached layer under its environment."""

from __future__ import annotations

import uuid
from pathlib import Path

import docker
import pytest

from sandbox import DockerSandbox, Environments, SandboxSpec, SetupFailed
from tests.sandbox.conftest import PROJECT
from tests.sandbox.gitrepo import commit_files

pytestmark = pytest.mark.docker

PROBE = "node --version && npm --version && go version && cargo --version && javac -version"


async def test_polyglot_image_already_has_every_toolchain(
    tmp_path: Path, client: docker.DockerClient, scope: str, polyglot_image: str
) -> None:
    repo = tmp_path / "repo"
    sha = commit_files(repo, PROJECT)
    spec = SandboxSpec(
        repo=repo, commit=sha, image=polyglot_image, toolchains=("node", "go", "rust", "java"),
        setup_network="none", scope=scope,
    )  # fmt: skip
    async with DockerSandbox(spec, client, environments=Environments()) as sandbox:
        found = await sandbox.exec(PROBE)
    assert found.ok, found.output
    assert "go1.19" in found.output and "v18." in found.output and "javac 17" in found.output


async def test_a_missing_toolchain_is_installed_from_debian_once(
    tmp_path: Path, client: docker.DockerClient, scope: str
) -> None:
    repo = tmp_path / "repo"
    first = commit_files(repo, PROJECT)
    envs = Environments(lock_dir=tmp_path / "locks")
    # The setup nonce keeps this test's environment its own; the toolchain layer is shared.
    spec = SandboxSpec(
        repo=repo, commit=first, toolchains=("go",), setup=(f"go version  # {uuid.uuid4()}",),
        setup_network="host", scope=scope, setup_timeout_s=900,
    )  # fmt: skip
    async with DockerSandbox(spec, client, environments=envs) as sandbox:
        found = await sandbox.exec("go version && id -un")
    assert found.ok, found.output
    assert "go1.19" in found.output and "agent" in found.output
    built = envs.layer_builds
    assert built <= 1  # 0 when an earlier session on this engine built the same layer
    second = commit_files(repo, {"calc/more.py": "X = 1\n"})
    later = spec.model_copy(update={"commit": second})
    async with DockerSandbox(later, client, environments=envs) as sandbox:
        assert (await sandbox.exec("go version")).ok
    assert envs.layer_builds == built


async def test_toolchains_without_a_network_name_the_setting(
    tmp_path: Path, client: docker.DockerClient, scope: str
) -> None:
    repo = tmp_path / "repo"
    sha = commit_files(repo, PROJECT)
    spec = SandboxSpec(
        repo=repo, commit=sha, toolchains=("rust",), setup_network="none", scope=scope
    )
    with pytest.raises(SetupFailed) as failed:
        async with DockerSandbox(spec, client, environments=Environments()):
            pass
    assert failed.value.offline
    assert "AUTOFIX_SETUP_NETWORK" in str(failed.value)
