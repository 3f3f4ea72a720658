"""Each failure a user can meet says what happened and what to do next."""

from __future__ import annotations

import uuid
from pathlib import Path

import docker
import pytest

from sandbox import (
    CommitNotFound,
    DockerSandbox,
    DockerUnavailable,
    Environments,
    ImageError,
    SandboxSpec,
    SetupFailed,
    docker_client,
)
from sandbox.images import IMAGE_SCOPE
from sandbox.models import DEFAULT_IMAGE


def test_unreachable_engine_says_how_to_start_it(tmp_path: Path) -> None:
    with pytest.raises(DockerUnavailable) as caught:
        docker_client(f"unix://{tmp_path}/no-docker.sock", timeout=5)
    assert "systemctl start docker" in str(caught.value)
    assert "dockerd" in str(caught.value)


@pytest.mark.docker
async def test_unknown_image_says_how_to_build_one(
    spec: SandboxSpec, client: docker.DockerClient
) -> None:
    missing = spec.model_copy(update={"image": f"autofix-missing:{uuid.uuid4().hex[:8]}"})
    with pytest.raises(ImageError, match=r"deploy/sandbox/build-base\.sh"):
        async with DockerSandbox(missing, client, environments=Environments()):
            pass


@pytest.mark.docker
async def test_image_without_git_is_refused(
    spec: SandboxSpec, client: docker.DockerClient, scope: str
) -> None:
    api = client.api
    cid = api.create_container(DEFAULT_IMAGE, ["rm", "-f", "/usr/bin/git"], user="0:0")["Id"]
    try:
        api.start(cid)
        api.wait(cid, timeout=60)
        tag = f"autofix-test-nogit:{scope}"
        api.commit(cid, repository=tag.split(":")[0], tag=scope, conf={
            "User": "agent", "Labels": {IMAGE_SCOPE: scope},
        })  # fmt: skip
    finally:
        api.remove_container(cid, force=True)
    no_git = spec.model_copy(update={"image": tag})
    with pytest.raises(ImageError, match="git"):
        async with DockerSandbox(no_git, client, environments=Environments()):
            pass


@pytest.mark.docker
async def test_missing_commit_is_named(spec: SandboxSpec, client: docker.DockerClient) -> None:
    gone = spec.model_copy(update={"commit": "0" * 40})
    with pytest.raises(CommitNotFound, match="0000000000") as caught:
        async with DockerSandbox(gone, client, environments=Environments()):
            pass
    assert "git fetch" in str(caught.value)


@pytest.mark.docker
async def test_failed_setup_names_the_command_and_its_output(
    spec: SandboxSpec, client: docker.DockerClient
) -> None:
    broken = spec.model_copy(update={"setup": ("echo preparing && echo kaboom-7d >&2 && false",)})
    with pytest.raises(SetupFailed) as caught:
        async with DockerSandbox(broken, client, environments=Environments()):
            pass
    message = str(caught.value)
    assert "echo preparing && echo kaboom-7d >&2 && false" in message
    assert "kaboom-7d" in message and "exited with code 1" in message
    assert "sandbox.setup" in message
