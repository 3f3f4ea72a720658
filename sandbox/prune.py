"""Removing environment and workspace images that autofix built and nothing uses any more."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

import docker
import docker.errors

from sandbox.images import IMAGE_KIND, IMAGE_SCOPE

# Children first: an image cannot go while images built on it remain.
KINDS = ("workspace", "env", "toolchains", "dockerfile")


def _last_used(api: docker.APIClient, image: dict[str, Any]) -> float:
    """When the image was built or last found by Environments (which re-tags it then)."""
    created = float(image.get("Created") or 0)
    try:
        info = api.inspect_image(image["Id"])
        tagged = datetime.fromisoformat((info.get("Metadata") or {})["LastTagTime"])
        return max(created, tagged.timestamp())
    except (docker.errors.NotFound, KeyError, ValueError):
        return created


def _name(image: dict[str, Any]) -> str:
    tags = [t for t in image.get("RepoTags") or [] if t != "<none>:<none>"]
    return tags[0] if tags else str(image["Id"])


def _remove(api: docker.APIClient, image_id: str) -> bool:
    try:
        api.remove_image(image_id)  # never forced: Docker refuses what is still referenced
    except docker.errors.NotFound:
        return False  # someone else removed it first
    except docker.errors.APIError as exc:
        if exc.status_code == 409:  # a container or a child image appeared meanwhile
            return False
        raise
    return True


def prune_images(
    api: docker.APIClient, keep_recent_s: float, keep: int, scope: str | None
) -> list[str]:
    """Remove autofix images unused by any container, older than keep_recent_s, beyond the
    newest `keep` of each kind; return their names. Blocking."""
    cutoff = time.time() - keep_recent_s
    in_use = {c.get("ImageID") for c in api.containers(all=True)}
    selector = [IMAGE_KIND] + ([f"{IMAGE_SCOPE}={scope}"] if scope else [])
    removed: list[str] = []
    for kind in KINDS:
        # Listed afresh per kind, so the parents of images removed just now count as free.
        parents = {i.get("ParentId") for i in api.images(all=True)}
        listed = api.images(all=True, filters={"label": [*selector, f"{IMAGE_KIND}={kind}"]})
        dated = sorted(((_last_used(api, i), i) for i in listed), key=lambda p: -p[0])
        for used, image in dated[keep:]:
            if used > cutoff or image["Id"] in in_use or image["Id"] in parents:
                continue
            if _remove(api, image["Id"]):
                removed.append(_name(image))
    return removed
