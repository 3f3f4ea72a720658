"""A repository's own Dockerfile: allowed bases only, its folder as context, cached by content."""

from __future__ import annotations

import uuid
from pathlib import Path

import docker
import pytest

from sandbox import DockerSandbox, Environments, SandboxError, SandboxSpec
from sandbox.dockerfile import DockerfileRefused, read_recipe
from sandbox.models import DEFAULT_IMAGE
from tests.sandbox.conftest import PROJECT
from tests.sandbox.gitrepo import commit_files

ALLOWED = (DEFAULT_IMAGE, "team/base:1")


def test_a_recipe_is_one_allowed_base_and_its_steps() -> None:
    text = (
        "# syntax comment\nARG VERSION=1\nFROM --platform=linux/amd64 team/base:1\n"
        'RUN make \\\n  all\nENV A=1\nEXPOSE 80\nCMD ["bash"]\nCOPY a b\n'
    )
    recipe = read_recipe(text, ALLOWED)
    assert recipe.base == "team/base:1"
    assert [(s.line, s.instruction, s.args) for s in recipe.steps] == [
        (4, "RUN", "make  all"),
        (6, "ENV", "A=1"),
        (9, "COPY", "a b"),
    ]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("FROM debian:bookworm\n", "line 1: FROM 'debian:bookworm' is not an allowed image"),
        ("FROM autofix-env:0123abcd\n", "not an allowed image"),
        ("ARG BASE=autofix-sandbox:bookworm\nFROM ${BASE}\n", "uses a variable"),
        (f"FROM {DEFAULT_IMAGE}\nCOPY --from=autofix-env:0123 / /stolen\n", "line 2: COPY --from"),
        (f"FROM {DEFAULT_IMAGE}\nADD --chown=1 --from=other:1 /a /b\n", "ADD --from"),
        (f"FROM {DEFAULT_IMAGE} AS a\nFROM {DEFAULT_IMAGE}\n", "multi-stage"),
        (f"FROM {DEFAULT_IMAGE}\nONBUILD COPY x /\n", "ONBUILD is not supported"),
        (f'FROM {DEFAULT_IMAGE}\nSHELL ["/bin/bash", "-c"]\n', "SHELL is not supported"),
        (f"FROM {DEFAULT_IMAGE}\nRUN --mount=type=cache,target=/x true\n", "RUN --mount"),
        (f"# escape=`\nFROM {DEFAULT_IMAGE}\n", "escape"),
        ("RUN true\n", "RUN comes before FROM"),
        ("# nothing\n", "no FROM"),
    ],
)
def test_other_bases_and_unsupported_steps_are_refused_naming_the_line(
    text: str, says: str
) -> None:
    with pytest.raises(DockerfileRefused) as refused:
        read_recipe(text, ALLOWED)
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


@pytest.mark.docker
async def test_dockerfile_steps_follow_dockerfile_semantics(
    tmp_path: Path, client: docker.DockerClient, scope: str
) -> None:
    repo = tmp_path / "repo"
    dockerfile = f"""FROM {DEFAULT_IMAGE}
ARG GREETING=hello
ENV TOOL_HOME=/opt/tool PATH=/opt/tool/bin:$PATH
ENV LEGACY value with spaces
USER root
WORKDIR $TOOL_HOME/bin
COPY --chown=agent:agent --chmod=755 tool.sh ./tool
COPY conf/ /etc/tool/
COPY ["tool.sh", "/usr/local/bin"]
COPY tool.sh /../../opt/escaped.sh
RUN ["sh", "-c", "test -f /usr/local/bin/tool.sh && test -d /usr/local/bin"]
RUN test -f /opt/escaped.sh
RUN echo "$GREETING from $(pwd) as $(id -un)" > /opt/tool/said
USER agent
WORKDIR /home/agent
"""
    files: dict[str, str | bytes] = {
        **PROJECT, "env/Dockerfile": dockerfile, "env/tool.sh": "#!/bin/sh\necho tool ran\n",
        "env/conf/a.ini": "a=1\n", "env/conf/sub/b.ini": "b=2\n", "env/NONCE": uuid.uuid4().hex,
    }  # fmt: skip
    sha = commit_files(repo, files)
    spec = SandboxSpec(
        repo=repo, commit=sha, dockerfile="env/Dockerfile", setup_network="none", scope=scope
    )
    async with DockerSandbox(spec, client, environments=Environments()) as sandbox:
        seen = await sandbox.exec(
            "tool; cat /opt/tool/said; echo $TOOL_HOME $LEGACY; echo [$GREETING]; "
            "stat -c '%U %a' /opt/tool/bin/tool; cat /etc/tool/a.ini /etc/tool/sub/b.ini"
        )
    assert seen.ok, seen.output
    assert seen.output.split("\n")[:7] == [
        "tool ran",
        "hello from /opt/tool/bin as root",
        "/opt/tool value with spaces",
        "[]",  # ARG values are for the build only
        "agent 755",
        "a=1",
        "b=2",
    ]


@pytest.mark.docker
async def test_dockerfile_steps_run_with_setup_limits(
    tmp_path: Path, client: docker.DockerClient, scope: str
) -> None:
    # The engine's builder would give RUN Docker's default capabilities, privilege changes and
    # no process limit; the steps get what setup commands get.
    repo = tmp_path / "repo"
    probe = (
        f"FROM {DEFAULT_IMAGE}\nUSER root\n"
        "RUN grep -E '^(CapEff|NoNewPrivs)' /proc/self/status > /opt/limits\n"
        f"# {uuid.uuid4().hex}\n"
    )
    sha = commit_files(repo, {**PROJECT, "Dockerfile": probe})
    spec = SandboxSpec(repo=repo, commit=sha, dockerfile="Dockerfile", setup_network="none",
                       scope=scope)  # fmt: skip
    async with DockerSandbox(spec, client, environments=Environments()) as sandbox:
        limits = dict(
            line.split(":\t")
            for line in (await sandbox.exec("cat /opt/limits")).output.split("\n")
            if line
        )
    assert limits["NoNewPrivs"] == "1"
    net_raw, mknod = 1 << 13, 1 << 27
    assert int(limits["CapEff"], 16) & (net_raw | mknod) == 0
    bomb = commit_files(repo, {"Dockerfile": f"FROM {DEFAULT_IMAGE}\n"
        "RUN i=0; while [ $i -lt 3000 ]; do sleep 20 & i=$((i+1)); done\n"})  # fmt: skip
    with pytest.raises(SandboxError, match="line 2"):
        async with DockerSandbox(spec.model_copy(update={"commit": bomb}), client,
                                 environments=Environments()):  # fmt: skip
            pass
