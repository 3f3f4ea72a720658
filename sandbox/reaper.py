"""Removes sandboxes left behind by dead runs or past their expiry, with their volumes."""

from __future__ import annotations

import time
from collections.abc import Collection
from datetime import datetime
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


def _created(volume: dict[str, Any]) -> float | None:
    """When Docker made the volume (epoch seconds), or None if it does not say."""
    try:
        return datetime.fromisoformat(str(volume.get("CreatedAt"))).timestamp()
    except ValueError:
        return None


def _in_family(labels: dict[str, str], prefix: str | None) -> bool:
    scope = labels.get(L.SCOPE, "")
    return prefix is None or scope == prefix or scope.startswith(f"{prefix}-")


class Reaper:
    """Finds autofix-managed containers and volumes whose run is over and removes them.

    A workspace volume no container mounts is removed too once it is older than
    `orphan_grace_s` (its container was removed from outside, e.g. `docker rm -f`); the grace
    covers the moment between creating a sandbox's volume and its container.
    """

    def __init__(self, client: docker.DockerClient, orphan_grace_s: float = 300.0) -> None:
        self._client = client
        self._orphan_grace_s = orphan_grace_s

    async def reap(
        self,
        live_run_ids: Collection[str] | None = None,
        scope: str | None = None,
        *,
        scope_prefix: str | None = None,
    ) -> Reaped:
        """Remove what is expired, or (when live_run_ids is given) belongs to no live run,
        and workspace volumes whose container is gone.

        live_run_ids=None only removes expired objects and orphaned volumes, which is safe
        while other processes run sandboxes too; scope confines the pass to objects labelled
        autofix.scope=scope, scope_prefix to scopes equal to it or starting with `PREFIX-`.
        """
        return await blocking(self._reap, live_run_ids, scope, scope_prefix)

    async def prune_images(
        self, keep_recent_s: float = 7 * 24 * 3600, keep: int = 20, scope: str | None = None
    ) -> list[str]:
        """Remove environment and workspace images autofix built that no container uses,
        last used (built, or found by a worker) over keep_recent_s ago, beyond the newest
        `keep` of each kind; return their names. Other images (the base image) are never
        touched; scope confines the pass to images labelled autofix.image.scope=scope."""
        return await blocking(prune_images, self._client.api, keep_recent_s, keep, scope)

    def _reap(self, live: Collection[str] | None, scope: str | None, prefix: str | None) -> Reaped:
        api = self._client.api
        now = time.time()
        filters = {"label": L.selector(scope)}
        containers: list[str] = []
        volumes: list[str] = []
        in_use: set[str] = set()
        # Every container that mounts a volume counts, whoever made it: such a volume stays.
        for info in api.containers(all=True):
            in_use.update(m["Name"] for m in info.get("Mounts") or [] if m.get("Name"))
        for info in api.containers(all=True, filters=filters):
            labels = info.get("Labels") or {}
            if not _in_family(labels, prefix) or not _doomed(labels, live, now):
                continue
            if self._ignore_missing(api.remove_container, info["Id"], force=True, v=True):
                containers.append(info["Names"][0].lstrip("/") if info.get("Names") else info["Id"])
                in_use.difference_update(
                    m["Name"] for m in info.get("Mounts") or [] if m.get("Name")
                )
        listing = api.volumes(filters=filters) or {}
        for volume in listing.get("Volumes") or []:
            name, labels = volume["Name"], volume.get("Labels") or {}
            if name in in_use or not _in_family(labels, prefix):
                continue
            created = _created(volume)
            orphaned = created is not None and now - created >= self._orphan_grace_s
            if not orphaned and not _doomed(labels, live, now):
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
