"""Setup secrets reach setup commands and nothing else: not the image, its layers or sandboxes."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import uuid
from pathlib import Path

import docker
import pytest
from pydantic import SecretStr

from sandbox import DockerSandbox, Environments, SandboxSpec, SetupFailed
from sandbox.setup_secrets import SecretLeaked
from tests.sandbox.conftest import PROJECT
from tests.sandbox.gitrepo import commit_files

pytestmark = pytest.mark.docker


def secret() -> str:
    return f"tok-{uuid.uuid4().hex}"


def spec_with(tmp_path: Path, scope: str, setup: str, value: str) -> SandboxSpec:
    repo = tmp_path / "repo"
    sha = commit_files(repo, PROJECT) if not repo.exists() else None
    return SandboxSpec(
        repo=repo,
        commit=sha or "HEAD",
        setup=(setup,),
        setup_secrets={"REGISTRY_TOKEN": SecretStr(value)},
        scope=scope,
    )


def layers_holding(client: docker.DockerClient, image: str, needle: bytes) -> list[str]:
    """Every file in every layer of `image` (docker save) whose bytes contain `needle`."""
    found = []
    saved = b"".join(client.api.get_image(image))
    with tarfile.open(fileobj=io.BytesIO(saved)) as outer:
        for member in outer.getmembers():
            data = outer.extractfile(member) if member.isfile() else None
            if data is None:
                continue
            body = data.read()
            if needle in body:
                found.append(member.name)  # the image config, or a layer holding it raw
            if member.name.endswith("layer.tar"):
                with tarfile.open(fileobj=io.BytesIO(body)) as layer:
                    for entry in layer.getmembers():
                        if needle in entry.name.encode():
                            found.append(f"{member.name}:{entry.name}")
                        inner = layer.extractfile(entry) if entry.isfile() else None
                        if inner is not None and needle in inner.read():
                            found.append(f"{member.name}:{entry.name}")
    return found


async def test_setup_sees_the_secret_and_nothing_built_keeps_it(
    tmp_path: Path, client: docker.DockerClient, scope: str
) -> None:
    value = secret()
    # Setup uses the value (as a registry login would) and leaves only its hash behind.
    setup = 'printf %s "$REGISTRY_TOKEN" | sha256sum | cut -c1-64 > used.txt; env > /dev/null'
    spec = spec_with(tmp_path, scope, setup, value)
    envs = Environments(lock_dir=tmp_path / "locks")
    async with DockerSandbox(spec, client, environments=envs) as sandbox:
        used = await sandbox.exec("cat used.txt")
        everywhere = await sandbox.exec(
            "env; cat /proc/1/environ; grep -rlF --exclude-dir=proc --exclude-dir=sys "
            f"-e '{value}' / 2>/dev/null; true"
        )
        image = client.api.inspect_container(sandbox.container_id)["Image"]
        container = json.dumps(client.api.inspect_container(sandbox.container_id))
    digest = hashlib.sha256(value.encode()).hexdigest()
    assert used.output.strip() == digest
    assert value not in everywhere.output
    assert value not in container
    # Every image the sandbox was built from: config, history and every layer.
    chain = [image]
    while parent := client.api.inspect_image(chain[-1]).get("Parent"):
        chain.append(parent)
    for built in chain:
        assert value not in json.dumps(client.api.inspect_image(built))
        assert value not in json.dumps(client.api.history(built))
    assert layers_holding(client, image, value.encode()) == []
    assert layers_holding(client, image, digest.encode())  # the scan does read the layers


async def test_setup_that_writes_the_secret_into_a_file_is_refused(
    tmp_path: Path, client: docker.DockerClient, scope: str
) -> None:
    value = secret()
    setup = 'echo "//registry.example/:_authToken=$REGISTRY_TOKEN" > ~/.npmrc'
    spec = spec_with(tmp_path, scope, setup, value)
    with pytest.raises(SecretLeaked) as leaked:
        async with DockerSandbox(spec, client, environments=Environments()):
            pass
    message = str(leaked.value)
    assert "REGISTRY_TOKEN in /root/.npmrc" in message
    assert value not in message
    built = client.api.images(filters={"label": f"autofix.image.scope={scope}"})
    assert not any(value in json.dumps(client.api.inspect_image(i["Id"])) for i in built)


async def test_a_secret_in_a_file_name_is_refused_without_showing_it(
    tmp_path: Path, client: docker.DockerClient, scope: str
) -> None:
    value = secret()
    spec = spec_with(
        tmp_path, scope, 'mkdir -p /var/tmp/x && touch "/var/tmp/x/$REGISTRY_TOKEN"', value
    )
    with pytest.raises(SecretLeaked) as leaked:
        async with DockerSandbox(spec, client, environments=Environments()):
            pass
    assert "/var/tmp/x/***" in str(leaked.value)
    assert value not in str(leaked.value)


async def test_a_secret_split_by_the_other_streams_output_is_still_hidden(
    tmp_path: Path, client: docker.DockerClient, scope: str
) -> None:
    value = secret()
    # Half the value on stdout, a line on stderr, then the other half: merged as they
    # arrive, the halves are apart and neither matches the whole value.
    setup = (
        'printf "token=%s" "${REGISTRY_TOKEN:0:16}"; sleep 0.3; '
        "echo noise >&2; sleep 0.3; "
        'printf "%s\\n" "${REGISTRY_TOKEN:16}"; false'
    )
    spec = spec_with(tmp_path, scope, setup, value)
    with pytest.raises(SetupFailed) as failed:
        async with DockerSandbox(spec, client, environments=Environments()):
            pass
    text = str(failed.value) + failed.value.output
    assert "token=***" in text and "noise" in text
    assert value[:12] not in text and value[-12:] not in text


async def test_failed_setup_output_never_shows_the_secret(
    tmp_path: Path, client: docker.DockerClient, scope: str
) -> None:
    value = secret()
    # Printed whole, many times (the middle of the output is cut), and then it fails.
    setup = (
        'for i in $(seq 3000); do echo "token=$REGISTRY_TOKEN"; done; set -x; '
        'false "$REGISTRY_TOKEN"'
    )
    spec = spec_with(tmp_path, scope, setup, value)
    with pytest.raises(SetupFailed) as failed:
        async with DockerSandbox(spec, client, environments=Environments()):
            pass
    text = str(failed.value) + failed.value.output
    assert "token=***" in text
    assert value not in text
    assert value[:12] not in text and value[-12:] not in text
