"""Patches out of a sandbox apply to a clean checkout and reproduce the same tree."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import docker
import pytest

from sandbox import DockerSandbox, Environments, SandboxSpec
from tests.sandbox.gitrepo import git, tree_of_checkout

pytestmark = pytest.mark.docker

EDIT = """set -e
printf 'def mean(xs):\\n    return sum(xs) / max(len(xs), 1)\\n' > calc/stats.py
printf 'new\\n' > calc/extra.py
rm old.txt
mv rename_me.txt renamed.txt
chmod +x calc/stats.py
{ printf '\\0'; head -c 3000 /dev/urandom; } > data/blob.bin
{ printf '\\0'; head -c 500 /dev/urandom; } > data/new.bin
"""


async def test_diff_round_trips_to_a_clean_checkout(
    spec: SandboxSpec,
    client: docker.DockerClient,
    environments: Environments,
    tmp_path: Path,
) -> None:
    async with DockerSandbox(spec, client, environments=environments) as sb:
        edit = await sb.exec(EDIT)
        patch = await sb.diff()
        expected_tree = (await sb.exec("git write-tree")).output.strip()
        async with DockerSandbox(spec, client, environments=environments) as other:
            applied = await other.apply(patch)
            again = await other.diff()
    assert edit.exit_code == 0, edit.output
    assert applied.exit_code == 0, applied.output
    assert again == patch
    for marker in ("deleted file mode", "rename from rename_me.txt", "GIT binary patch",
                   "new mode 100755", "new file mode"):  # fmt: skip
        assert marker in patch, marker

    checkout = tree_of_checkout(spec.repo, spec.commit, tmp_path / "clean")
    git(checkout, "rm", "-r", "-q", "tests/holdout")  # hidden from the sandbox
    (tmp_path / "patch.diff").write_bytes(patch.encode(errors="surrogateescape"))
    git(checkout, "apply", str(tmp_path / "patch.diff"))
    git(checkout, "add", "-A")
    assert git(checkout, "write-tree").strip() == expected_tree


async def test_reset_paths_restores_base_and_drops_added_files(
    spec: SandboxSpec, client: docker.DockerClient, environments: Environments
) -> None:
    async with DockerSandbox(spec, client, environments=environments) as sb:
        await sb.exec(
            "echo 'def test_x(): pass' > tests/test_stats.py; echo x > tests/test_added.py;"
            " echo 'x = 1' >> calc/stats.py"
        )
        await sb.diff()  # stages everything, as a gate would before resetting
        await sb.reset_paths(["tests"])
        patch = await sb.diff()
        listing = await sb.exec("ls tests")
        status = await sb.exec("git status --porcelain")
    assert "tests/" not in patch
    assert "calc/stats.py" in patch
    assert listing.output.split() == ["test_stats.py"]
    assert status.output.strip() == "M  calc/stats.py"


async def test_setup_output_stays_out_of_the_diff(
    spec: SandboxSpec, client: docker.DockerClient, environments: Environments
) -> None:
    async with DockerSandbox(spec, client, environments=environments) as sb:
        tests = await sb.exec("python3 -m pytest -q -p no:cacheprovider tests 2>&1 | tail -1")
        patch = await sb.diff()
    assert "1 passed" in tests.output
    assert patch == ""


def test_host_repository_is_left_untouched(project: tuple[Path, str]) -> None:
    repo, sha = project
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True, check=True,
        env={"PATH": os.environ["PATH"]},
    )  # fmt: skip
    assert status.stdout == ""
    assert git(repo, "rev-parse", "HEAD").strip() == sha
