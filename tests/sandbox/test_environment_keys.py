"""Environment images belong to one repository and one set of hidden paths."""

from __future__ import annotations

import uuid
from pathlib import Path

import docker
import pytest

from sandbox import DockerSandbox, Environments, ImageError, SandboxSpec
from tests.sandbox.conftest import PROJECT
from tests.sandbox.gitrepo import commit_files

pytestmark = pytest.mark.docker


async def test_setup_output_of_one_repository_never_reaches_another(
    tmp_path: Path, client: docker.DockerClient, scope: str
) -> None:
    # Same setup command, same setup files: only files setup does not declare differ.
    # An attacker's repository can copy a victim's config to plant setup output.
    setup = f"cp seed.txt generated.txt  # {uuid.uuid4().hex}"
    envs = Environments(lock_dir=tmp_path / "locks")
    specs = []
    for name in ("attacker", "victim"):
        repo = tmp_path / name
        sha = commit_files(repo, {**PROJECT, "seed.txt": f"planted by {name}\n"})
        specs.append(SandboxSpec(repo=repo, commit=sha, setup=(setup,), scope=scope))
    for spec in specs:
        async with DockerSandbox(spec, client, environments=envs) as sandbox:
            seen = await sandbox.exec("cat generated.txt")
        assert seen.output.strip() == f"planted by {spec.repo.name}"
    assert envs.setup_runs == 2


async def test_holdout_artifacts_of_a_full_tree_never_reach_rollouts(
    tmp_path: Path, client: docker.DockerClient, scope: str
) -> None:
    # Setup output made from the tree with the holdout (a test run) must not become the
    # environment of a rollout, whose tree lacks it: bytecode and listings would leak it.
    repo = tmp_path / "calc"
    sha = commit_files(repo, PROJECT)
    setup = f"python3 -m compileall -q . && find . -name '*.py' > seen.txt  # {uuid.uuid4()}"
    envs = Environments(lock_dir=tmp_path / "locks")
    full = SandboxSpec(repo=repo, commit=sha, setup=(setup,), scope=scope)
    async with DockerSandbox(full, client, environments=envs) as sandbox:
        assert "holdout" in (await sandbox.exec("cat seen.txt")).output
    rollout = full.model_copy(update={"hidden_paths": ("tests/holdout",)})
    async with DockerSandbox(rollout, client, environments=envs) as sandbox:
        found = await sandbox.exec(
            "grep -rl --exclude-dir=.git -e holdout-canary -e tests/holdout . ; "
            "ls tests; cat seen.txt"
        )
    assert "holdout" not in found.output
    assert "test_stats.py" in found.output  # the rollout's own setup ran on its own tree


async def test_a_built_environment_is_never_a_base_image(
    tmp_path: Path, client: docker.DockerClient, scope: str
) -> None:
    repo = tmp_path / "calc"
    sha = commit_files(repo, PROJECT)
    envs = Environments(lock_dir=tmp_path / "locks")
    spec = SandboxSpec(repo=repo, commit=sha, setup=(f"true {uuid.uuid4()}",), scope=scope)
    async with DockerSandbox(spec, client, environments=envs) as sandbox:
        image = client.api.inspect_container(sandbox.container_id)["Image"]
    other = tmp_path / "other"
    other_sha = commit_files(other, {"README.md": "other\n"})
    for name in (image, *client.api.inspect_image(image)["RepoTags"]):
        stolen = SandboxSpec(repo=other, commit=other_sha, image=name, scope=scope)
        with pytest.raises(ImageError, match="built for a repository"):
            async with DockerSandbox(stolen, client, environments=envs):
                pass
