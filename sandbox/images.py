"""Finds or builds the image a sandbox starts from, once per environment and per tree."""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import docker
import docker.errors

from sandbox import labels as L
from sandbox.builder import BUILD_HINT, BuildPlan, build_image
from sandbox.client import blocking
from sandbox.dockerfile import context_of, read_recipe
from sandbox.dockerfile_build import RecipeBuild, build_recipe
from sandbox.errors import ImageError
from sandbox.locks import KeyedLocks, default_lock_dir, host_lock
from sandbox.models import SandboxSpec
from sandbox.snapshot import Snapshot, build_snapshot, resolve_commit
from sandbox.toolchains import install_script

ENV_REPOSITORY = "autofix-env"
WS_REPOSITORY = "autofix-ws"
TOOLCHAIN_REPOSITORY = "autofix-toolchains"
DOCKERFILE_REPOSITORY = "autofix-dockerfile"
IMAGE_KIND = "autofix.image.kind"
IMAGE_KEY = "autofix.image.key"
IMAGE_SCOPE = "autofix.image.scope"
# Part of every image key: bump it when what the builder puts into images changes, so that
# images built by an older autofix are not reused (e.g. 2: login shells keep the image's PATH).
LAYOUT = 2
_FULL_SHA = re.compile(r"^[0-9a-f]{40}$|^[0-9a-f]{64}$")
# Remembered images are looked up on the engine again after this long, which also marks
# them used (see _existing) so that Reaper.prune_images spares them.
RECHECK_S = 3600


@dataclass(frozen=True)
class Prepared:
    """The image a sandbox starts from and the single commit its workspace holds."""

    image_id: str
    base_sha: str


def _key(*parts: object) -> str:
    return hashlib.sha256(json.dumps((LAYOUT, *parts), sort_keys=True).encode()).hexdigest()


def _identity(spec: SandboxSpec) -> str:
    return spec.identity or str(spec.repo.resolve())


def _secret_values(spec: SandboxSpec) -> dict[str, str]:
    return {name: value.get_secret_value() for name, value in spec.setup_secrets.items()}


class Environments:
    """Caches snapshots, environment images (setup results) and workspace images."""

    def __init__(self, max_snapshots: int = 8, lock_dir: Path | None = None) -> None:
        self.setup_runs = 0
        """How many times setup commands actually ran (cache misses), for tests and benchmarks."""
        self.layer_builds = 0
        """How many toolchain and Dockerfile images were actually built (cache misses)."""
        self._max_snapshots = max_snapshots
        self._snapshots: OrderedDict[str, Snapshot] = OrderedDict()
        self._prepared: dict[str, tuple[Prepared, float]] = {}
        self._locks = KeyedLocks()
        # Workers sharing this directory (and a Docker engine) build each environment once.
        self._lock_dir = lock_dir

    def forget(self, spec: SandboxSpec) -> None:
        """Drop what is remembered for this spec (e.g. after its image was removed)."""
        self._prepared.pop(self._spec_key(spec), None)

    @staticmethod
    def _spec_key(spec: SandboxSpec, sha: str | None = None) -> str:
        return _key(
            str(spec.repo.resolve()), sha or spec.commit, spec.hidden_paths, spec.image,
            spec.setup, spec.setup_files, spec.setup_network, _identity(spec),
            spec.toolchains, spec.dockerfile, spec.allowed_bases, sorted(spec.setup_secrets),
        )  # fmt: skip

    async def prepare(self, client: docker.DockerClient, spec: SandboxSpec) -> Prepared:
        """The workspace image for spec, building whatever is not cached yet."""
        fast = self._spec_key(spec)
        if _FULL_SHA.match(spec.commit) and (cached := self._cached(fast)):
            return cached
        sha = await blocking(resolve_commit, spec.repo, spec.commit)
        slow = self._spec_key(spec, sha)
        if cached := self._cached(slow):
            return cached
        snapshot = await self._snapshot(spec.repo, sha, spec)
        base_id = await blocking(self._base_image, client, spec.image)
        if spec.dockerfile:
            base_id = await self._dockerfile(client, spec, snapshot)
        if spec.toolchains:
            base_id = await self._toolchains(client, spec, base_id)
        parent = base_id
        if spec.setup:
            parent = await self._environment(client, spec, base_id, snapshot)
        image_id = await self._workspace(client, spec, parent, snapshot)
        prepared = Prepared(image_id, snapshot.base_sha)
        self._prepared[slow] = (prepared, time.monotonic())
        if _FULL_SHA.match(spec.commit):
            self._prepared[fast] = (prepared, time.monotonic())
        return prepared

    def _cached(self, key: str) -> Prepared | None:
        entry = self._prepared.get(key)
        if entry is None:
            return None
        if time.monotonic() - entry[1] > RECHECK_S:
            del self._prepared[key]
            return None
        return entry[0]

    async def _snapshot(self, repo: Path, sha: str, spec: SandboxSpec) -> Snapshot:
        # The sha pins the content, so the repository's location does not matter.
        key = _key(sha, spec.hidden_paths, spec.setup_files)
        async with self._locks("snapshot:" + key):
            if key not in self._snapshots:
                self._snapshots[key] = await blocking(
                    build_snapshot, repo, sha, spec.hidden_paths, spec.setup_files
                )
                while len(self._snapshots) > self._max_snapshots:
                    self._snapshots.popitem(last=False)
            self._snapshots.move_to_end(key)
            return self._snapshots[key]

    @staticmethod
    def _base_image(client: docker.DockerClient, name: str) -> str:
        try:
            info = client.api.inspect_image(name)
        except docker.errors.ImageNotFound:
            raise ImageError(f"sandbox image {name} not found; {BUILD_HINT} {name}") from None
        if IMAGE_KIND in ((info.get("Config") or {}).get("Labels") or {}):
            # It holds some repository's tree and setup output (and its own image key).
            raise ImageError(
                f"sandbox image {name} is an environment autofix built for a repository; "
                "use a base image (`sandbox.image`), never a built environment"
            )
        return str(info["Id"])

    async def _built(
        self, client: docker.DockerClient, ref: str, key: str, build: Callable[[], str]
    ) -> str:
        """The image `ref` with this key, built once on this engine."""
        async with self._locks("built:" + key):
            found = await blocking(self._existing, client, ref, key)
            if found:
                return found
            async with host_lock(self._lock_dir or default_lock_dir(), f"img-{key[:32]}.lock"):
                found = await blocking(self._existing, client, ref, key)
                if found:
                    return found
                self.layer_builds += 1
                return await blocking(build)

    async def _toolchains(
        self, client: docker.DockerClient, spec: SandboxSpec, base_id: str
    ) -> str:
        # Debian packages only, chosen from a fixed list: repositories may share this layer.
        script = install_script(spec.toolchains)
        key = _key("toolchains", base_id, script)
        ref = f"{TOOLCHAIN_REPOSITORY}:{key[:32]}"
        plan = BuildPlan(
            image_name=spec.image,
            parent_id=base_id,
            repository=TOOLCHAIN_REPOSITORY,
            tag=key[:32],
            snapshot=None,
            swap=False,
            commands=(script,),
            network=spec.setup_network,
            timeout_s=max(spec.setup_timeout_s, 900),
            limits=spec.limits,
            run_id=spec.run_id,
            image_labels=self._labels(spec, "toolchains", key),
        )
        return await self._built(client, ref, key, lambda: build_image(client, plan))

    async def _dockerfile(
        self, client: docker.DockerClient, spec: SandboxSpec, snapshot: Snapshot
    ) -> str:
        assert spec.dockerfile is not None
        context = await blocking(context_of, snapshot.tarball, spec.dockerfile)
        recipe = read_recipe(context.text, spec.allowed_bases or (spec.image,))
        base_id = await blocking(self._base_image, client, recipe.base)
        key = _key(
            "dockerfile", _identity(spec), context.digest, context.dockerfile, base_id,
            spec.setup_network,
        )  # fmt: skip
        ref = f"{DOCKERFILE_REPOSITORY}:{key[:32]}"
        build = RecipeBuild(
            recipe=recipe,
            base_id=base_id,
            context=context.tarball,
            repository=DOCKERFILE_REPOSITORY,
            tag=key[:32],
            network=spec.setup_network,
            limits=spec.limits,
            timeout_s=max(spec.setup_timeout_s, 900),
            run_id=spec.run_id,
            labels=self._labels(spec, "dockerfile", key),
        )
        return await self._built(client, ref, key, lambda: build_recipe(client, build))

    @staticmethod
    def _labels(spec: SandboxSpec, kind: str, key: str) -> dict[str, str]:
        labels = {IMAGE_KIND: kind, IMAGE_KEY: key}
        if spec.scope:
            labels[IMAGE_SCOPE] = spec.scope
        return labels

    @staticmethod
    def _existing(client: docker.DockerClient, ref: str, key: str) -> str | None:
        try:
            info = client.api.inspect_image(ref)
        except docker.errors.ImageNotFound:
            return None
        found = (info.get("Config") or {}).get("Labels") or {}
        if found.get(IMAGE_KEY) != key:
            return None
        # Tagging again stamps the image's LastTagTime: the pruner's "last used".
        repository, tag = ref.split(":")
        try:
            client.api.tag(info["Id"], repository, tag, force=True)
        except docker.errors.NotFound:
            return None  # pruned just now
        return str(info["Id"])

    async def _environment(
        self, client: docker.DockerClient, spec: SandboxSpec, base_id: str, snapshot: Snapshot
    ) -> str:
        # Setup output is the repository's own: never shared with another repository, nor
        # between trees with and without hidden (holdout) paths.
        key = _key(
            base_id, spec.setup, spec.setup_network, snapshot.setup_digest, _identity(spec),
            spec.hidden_paths, sorted(spec.setup_secrets),
        )  # fmt: skip
        ref = f"{ENV_REPOSITORY}:{key[:32]}"
        async with self._locks("env:" + key):
            found = await blocking(self._existing, client, ref, key)
            if found:
                return found
            # Another worker on this engine may be building it: wait for it, then look again.
            async with host_lock(self._lock_dir or default_lock_dir(), f"env-{key[:32]}.lock"):
                found = await blocking(self._existing, client, ref, key)
                if found:
                    return found
                self.setup_runs += 1
                plan = self._plan(spec, base_id, ref, key, snapshot, "env", False)
                return await blocking(build_image, client, plan)

    async def _workspace(
        self, client: docker.DockerClient, spec: SandboxSpec, parent: str, snapshot: Snapshot
    ) -> str:
        info = await blocking(client.api.inspect_image, parent)
        parent_tree = ((info.get("Config") or {}).get("Labels") or {}).get(L.TREE)
        if parent_tree == snapshot.base_sha:
            return parent  # the environment was built from this very tree
        key = _key(parent, snapshot.base_sha)
        ref = f"{WS_REPOSITORY}:{key[:32]}"
        async with self._locks("ws:" + key):
            found = await blocking(self._existing, client, ref, key)
            if found:
                return found
            plan = self._plan(spec, parent, ref, key, snapshot, "workspace", bool(parent_tree))
            return await blocking(build_image, client, plan)

    @staticmethod
    def _plan(
        spec: SandboxSpec,
        parent: str,
        ref: str,
        key: str,
        snapshot: Snapshot,
        kind: str,
        swap: bool,
    ) -> BuildPlan:
        repository, tag = ref.split(":")
        image_labels = {IMAGE_KIND: kind, IMAGE_KEY: key, L.TREE: snapshot.base_sha}
        if spec.scope:
            image_labels[IMAGE_SCOPE] = spec.scope
        return BuildPlan(
            image_name=spec.image,
            parent_id=parent,
            repository=repository,
            tag=tag,
            snapshot=snapshot,
            swap=swap,
            commands=spec.setup if kind == "env" else (),
            network=spec.setup_network if kind == "env" else "none",
            secrets=_secret_values(spec) if kind == "env" else {},
            timeout_s=spec.setup_timeout_s,
            limits=spec.limits,
            run_id=spec.run_id,
            image_labels=image_labels,
        )
