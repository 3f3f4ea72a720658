"""A repository's own Dockerfile: allowed bases only, its folder as context, cached by content."""

from __future__ import annotations

import uuid
from pathlib import Path

import docker
import pytest

from sandbox import DockerSandbox, Environments, SandboxSpec
from sandbox.dockerfile import DockerfileRefused, check_bases
from sandbox.models import DEFAULT_IMAGE
from tests.sandbox.conftest import PROJECT
from tests.sandbox.gitrepo import commit_files

ALLOWED = (DEFAULT_IMAGE, "team/base:1")


def test_bases_must_be_allowed_images_or_earlier_stages() -> None:
    text = (
        "# syntax comment\nFROM team/base:1 AS build\nRUN make \\\n  all\n"
        f"FROM --platform=linux/amd64 {DEFAULT_IMAGE}\nCOPY --from=build /out /opt/out\n"
        "COPY --from=0 /x /y\n"
    )
    assert check_bases(text, ALLOWED) == ("team/base:1", DEFAULT_IMAGE)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("FROM debian:bookworm\n", "line 1: FROM 'debian:bookworm' is not an allowed image"),
        ("FROM autofix-env:0123abcd\n", "not an allowed image"),
        ("ARG BASE=autofix-sandbox:bookworm\nFROM ${BASE}\n", "uses a variable"),
        (f"FROM {DEFAULT_IMAGE}\nCOPY --from=autofix-env:0123 / /stolen\n", "line 2: --from"),
        (f"FROM {DEFAULT_IMAGE}\nADD --chown=1 --from=other:1 /a /b\n", "--from 'other:1'"),
        (f"FROM {DEFAULT_IMAGE} \\\n  AS a\nFROM b\n", "FROM 'b' is not an allowed"),
        (f"FROM {DEFAULT_IMAGE}\nONBUILD COPY --from=x:1 / /\n", "ONBUILD"),
        (f"# escape=`\nFROM {DEFAULT_IMAGE}\n", "escape"),
        ("RUN true\n", "no FROM"),
    ],
)
def test_other_bases_are_refused_naming_the_line(text: str, says: str) -> None:
    with pytest.raises(DockerfileRefused) as refused:
        check_bases(text, ALLOWED)
    assert says in str(refused.value)
    assert "sandbox.dockerfile" in str(refused.value)


DOCKERFILE = f"""FROM {DEFAULT_IMAGE}
USER root
COPY marker.txt /opt/env-marker
RUN cat /opt/env-marker > /opt/built && echo "$(date +%s%N)" > /opt/build-id
USER agent
"""


@pytest.mark.docker
async def test_repository_dockerfile_builds_the_environment_once_per_content(
    tmp_path: Path, client: docker.DockerClient, scope: str
) -> None:
    repo = tmp_path / "repo"
    nonce = uuid.uuid4().hex
    files: dict[str, str | bytes] = {
        **PROJECT, "env/Dockerfile": DOCKERFILE, "env/marker.txt": f"env {nonce}\n"
    }  # fmt: skip
    first = commit_files(repo, files)
    envs = Environments(lock_dir=tmp_path / "locks")
    spec = SandboxSpec(
        repo=repo, commit=first, dockerfile="env/Dockerfile", setup=("pip --version",),
        setup_network="none", scope=scope, hidden_paths=("tests/holdout",),
    )  # fmt: skip

    async def look(at: SandboxSpec) -> str:
        async with DockerSandbox(at, client, environments=envs) as sandbox:
            seen = await sandbox.exec("cat /opt/built /opt/build-id; ls tests; id -un")
        assert seen.ok, seen.output
        return seen.output

    before = await look(spec)
    assert f"env {nonce}" in before and "agent" in before and "holdout" not in before
    # Another commit that leaves the Dockerfile's folder alone reuses the image.
    second = commit_files(repo, {"calc/more.py": "X = 1\n"})
    assert await look(spec.model_copy(update={"commit": second})) == before
    assert envs.layer_builds == 1
    # Changing what the Dockerfile's folder holds builds it again.
    third = commit_files(repo, {"env/marker.txt": f"changed {nonce}\n"})
    assert f"changed {nonce}" in await look(spec.model_copy(update={"commit": third}))
    assert envs.layer_builds == 2


@pytest.mark.docker
async def test_the_build_context_never_holds_hidden_paths(
    tmp_path: Path, client: docker.DockerClient, scope: str
) -> None:
    repo = tmp_path / "repo"
    dockerfile = f"FROM {DEFAULT_IMAGE}\nCOPY . /opt/context\n"
    sha = commit_files(repo, {**PROJECT, "Dockerfile": dockerfile, "NONCE": uuid.uuid4().hex})
    spec = SandboxSpec(
        repo=repo, commit=sha, dockerfile="Dockerfile", hidden_paths=("tests/holdout",),
        setup_network="none", scope=scope,
    )  # fmt: skip
    async with DockerSandbox(spec, client, environments=Environments()) as sandbox:
        seen = await sandbox.exec("ls -a /opt/context /opt/context/tests; grep -r canary /opt")
    assert "test_stats.py" in seen.output
    assert "holdout" not in seen.output and ".git" not in seen.output.split()


@pytest.mark.docker
async def test_a_dockerfile_from_a_refused_base_builds_nothing(
    tmp_path: Path, client: docker.DockerClient, scope: str
) -> None:
    repo = tmp_path / "repo"
    sha = commit_files(repo, {**PROJECT, "Dockerfile": "FROM autofix-env:latest\n"})
    spec = SandboxSpec(repo=repo, commit=sha, dockerfile="Dockerfile", scope=scope)
    envs = Environments()
    with pytest.raises(DockerfileRefused, match="AUTOFIX_ALLOWED_IMAGES"):
        async with DockerSandbox(spec, client, environments=envs):
            pass
    assert envs.layer_builds == 0
