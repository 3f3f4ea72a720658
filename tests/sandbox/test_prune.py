"""Pruning the images autofix built: old and unused ones go, everything else stays."""

from __future__ import annotations

import uuid
from pathlib import Path

import docker
import docker.errors
import pytest

from sandbox import Environments, Reaper, SandboxSpec
from sandbox.images import IMAGE_SCOPE
from sandbox.models import DEFAULT_IMAGE
from tests.sandbox.conftest import PROJECT, remove_scope
from tests.sandbox.gitrepo import commit_files

pytestmark = pytest.mark.docker


def present(client: docker.DockerClient, image_id: str) -> bool:
    try:
        client.api.inspect_image(image_id)
    except docker.errors.ImageNotFound:
        return False
    return True


async def test_prune_removes_old_unused_autofix_images_only(
    tmp_path: Path, client: docker.DockerClient, scope: str
) -> None:
    mine = f"{scope}-prune"
    api = client.api
    base_id = api.inspect_image(DEFAULT_IMAGE)["Id"]
    repo = tmp_path / "calc"
    shas = [commit_files(repo, {**PROJECT, "NONCE": uuid.uuid4().hex})]
    shas += [commit_files(repo, {"calc/new.py": f"X = {n}\n"}) for n in range(3)]
    envs = Environments(lock_dir=tmp_path / "locks")
    spec = SandboxSpec(repo=repo, commit=shas[0], setup=(f"true {uuid.uuid4().hex}",), scope=mine)
    try:
        # The first commit's workspace is its environment image; later ones sit on top.
        env, *workspaces = [
            (await envs.prepare(client, spec.model_copy(update={"commit": sha}))).image_id
            for sha in shas
        ]
        assert len({env, *workspaces}) == 4
        oldest, middle, newest = workspaces
        user = api.create_container(oldest, ["true"], labels={"autofix.scope": mine})["Id"]
        # Same scope label, but not built by autofix: never a candidate.
        plain = api.create_container(DEFAULT_IMAGE, ["true"], labels={"autofix.scope": mine})
        conf = {"Labels": {IMAGE_SCOPE: mine}}
        foreign = api.commit(plain["Id"], "autofix-test-foreign", mine, conf=conf)["Id"]

        reaper = Reaper(client)
        assert await reaper.prune_images(keep_recent_s=3600, keep=0, scope=mine) == []
        removed = await reaper.prune_images(keep_recent_s=0, keep=1, scope=mine)
        assert [present(client, i) for i in (env, oldest, middle, newest)] == [
            True, True, False, True,
        ]  # fmt: skip
        assert len(removed) == 1 and removed[0].startswith("autofix-ws:")

        api.remove_container(user, force=True)
        removed = await reaper.prune_images(keep_recent_s=0, keep=0, scope=mine)
        assert len(removed) == 3 and removed[-1].startswith("autofix-env:")
        assert not any(present(client, i) for i in (env, oldest, newest))
        assert present(client, foreign)
        assert api.inspect_image(DEFAULT_IMAGE)["Id"] == base_id
    finally:
        remove_scope(client, mine)
