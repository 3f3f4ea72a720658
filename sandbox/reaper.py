"""Removes sandboxes left behind by dead runs or past their expiry, with their volumes."""

from __future__ import annotations

import time
from collections.abc import Collection
from typing import Any

import docker
import docker.errors
from pydantic import BaseModel, ConfigDict

from sandbox import labels as L
from sandbox.client import blocking
from sandbox.prune import prune_images


class Reaped(BaseModel):
    """What one reaping pass removed (names)."""

    model_config = ConfigDict(frozen=True)

    containers: tuple[str, ...] = ()
    volumes: tuple[str, ...] = ()


def _doomed(labels: dict[str, str], live: Collection[str] | None, now: float) -> bool:
    try:
        expired = float(labels.get(L.EXPIRES_AT, "0")) <= now
    except ValueError:
        expired = True
    return expired or (live is not None and labels.get(L.RUN_ID) not in live)


class Reaper:
    """Finds autofix-managed containers and volumes whose run is over and removes them."""

    def __init__(self, client: docker.DockerClient) -> None:
        self._client = client

    async def reap(
        self, live_run_ids: Collection[str] | None = None, scope: str | None = None
    ) -> Reaped:
        """Remove what is expired, or (when live_run_ids is given) belongs to no live run.

        live_run_ids=None only removes expired objects, which is safe while other processes
        run sandboxes too; scope confines the pass to objects labelled autofix.scope=scope.
        """
        return await blocking(self._reap, live_run_ids, scope)

    async def prune_images(
        self, keep_recent_s: float = 7 * 24 * 3600, keep: int = 20, scope: str | None = None
    ) -> list[str]:
        """Remove environment and workspace images autofix built that no container uses,
        last used (built, or found by a worker) over keep_recent_s ago, beyond the newest
        `keep` of each kind; return their names. Other images (the base image) are never
        touched; scope confines the pass to images labelled autofix.image.scope=scope."""
        return await blocking(prune_images, self._client.api, keep_recent_s, keep, scope)

    def _reap(self, live: Collection[str] | None, scope: str | None) -> Reaped:
        api = self._client.api
        now = time.time()
        filters = {"label": L.selector(scope)}
        containers: list[str] = []
        volumes: list[str] = []
        in_use: set[str] = set()
        for info in api.containers(all=True, filters=filters):
            mounts = [m["Name"] for m in info.get("Mounts") or [] if m.get("Name")]
            if not _doomed(info.get("Labels") or {}, live, now):
                in_use.update(mounts)
                continue
            if self._ignore_missing(api.remove_container, info["Id"], force=True, v=True):
                containers.append(info["Names"][0].lstrip("/") if info.get("Names") else info["Id"])
        listing = api.volumes(filters=filters) or {}
        for volume in listing.get("Volumes") or []:
            name = volume["Name"]
            if name in in_use or not _doomed(volume.get("Labels") or {}, live, now):
                continue
            if self._ignore_missing(api.remove_volume, name, force=True):
                volumes.append(name)
        return Reaped(containers=tuple(containers), volumes=tuple(volumes))

    @staticmethod
    def _ignore_missing(fn: Any, *args: Any, **kwargs: Any) -> bool:
        try:
            fn(*args, **kwargs)
        except docker.errors.NotFound:
            return False  # someone else removed it first
        except docker.errors.APIError as exc:
            if exc.status_code == 409:  # still in use or being removed
                return False
            raise
        return True
