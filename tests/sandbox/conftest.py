"""Real Docker for sandbox tests: one scope per session, everything it creates removed after."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import docker
import docker.errors
import pytest

from sandbox import DockerUnavailable, Environments, SandboxSpec, docker_client
from sandbox.images import IMAGE_SCOPE
from sandbox.models import DEFAULT_IMAGE
from tests.sandbox.gitrepo import commit_files

PROJECT: dict[str, str | bytes] = {
    "pyproject.toml": '[project]\nname = "calc"\nversion = "0.1.0"\n\n'
    '[tool.setuptools]\npackages = ["calc"]\n',
    "calc/__init__.py": "",
    "calc/stats.py": "def mean(xs):\n    return sum(xs) / len(xs)\n",
    "tests/test_stats.py": "from calc.stats import mean\n\n\ndef test_mean():\n"
    "    assert mean([1, 2, 3]) == 2\n",
    "tests/holdout/test_secret.py": "SECRET = 'holdout-canary-7f3a'\n",
    "data/blob.bin": bytes(range(256)) * 4,
    "scripts/run.sh": "#!/bin/sh\necho run\n",
    "old.txt": "to be deleted\n",
    "rename_me.txt": "a file that moves\n" * 20,
}
SETUP = "pip install --no-build-isolation --no-deps -e . && date +%s%N >> /var/tmp/setup-runs"


def remove_scope(client: docker.DockerClient, scope: str) -> None:
    """Remove every container, volume and image this test session labelled with its scope."""
    api = client.api
    for info in api.containers(all=True, filters={"label": f"autofix.scope={scope}"}):
        api.remove_container(info["Id"], force=True, v=True)
    for volume in (api.volumes(filters={"label": f"autofix.scope={scope}"}) or {}).get(
        "Volumes"
    ) or []:
        api.remove_volume(volume["Name"], force=True)
    images = api.images(filters={"label": f"{IMAGE_SCOPE}={scope}"})
    for image in sorted(images, key=lambda i: i["Created"], reverse=True):
        # A child image may have taken it along already, or it is still in use.
        with contextlib.suppress(docker.errors.APIError):
            api.remove_image(image["Id"], force=True)


@pytest.fixture(scope="session")
def client() -> docker.DockerClient:
    try:
        found = docker_client()
    except DockerUnavailable as exc:
        pytest.skip(str(exc))
    try:
        found.api.inspect_image(DEFAULT_IMAGE)
    except docker.errors.ImageNotFound:
        pytest.skip(f"{DEFAULT_IMAGE} missing: run deploy/sandbox/build-base.sh")
    return found


@pytest.fixture(scope="session")
def scope(client: docker.DockerClient) -> Iterator[str]:
    name = f"pytest-{uuid.uuid4().hex[:10]}"
    yield name
    remove_scope(client, name)


@pytest.fixture(scope="session")
def environments() -> Environments:
    return Environments()


@pytest.fixture(scope="session")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A small Python project; the nonce keeps its images apart from other sessions'."""
    repo = tmp_path_factory.mktemp("project") / "calc"
    files: dict[str, str | bytes] = {**PROJECT, "NONCE": uuid.uuid4().hex}
    return repo, commit_files(repo, files, executable=("scripts/run.sh",))


@pytest.fixture
def spec(project: tuple[Path, str], scope: str) -> SandboxSpec:
    repo, sha = project
    return SandboxSpec(
        repo=repo,
        commit=sha,
        setup=(SETUP,),
        hidden_paths=("tests/holdout",),
        run_id=f"run-{os.getpid()}",
        scope=scope,
        ttl_s=900,
        output_cap_bytes=2000,
    )
