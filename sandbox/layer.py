"""Capping a container's writable layer, on engines whose storage driver can do it.

Docker supports `--storage-opt size=` only on some drivers (overlay2 over xfs with project
quotas, btrfs, zfs, devicemapper); elsewhere it refuses the container. The first refusal is
remembered per engine, and sandboxes there start without the cap and say why in a label.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import docker.errors

log = logging.getLogger(__name__)

LAYER_LABEL = "autofix.layer-limit"
_refusals: dict[str, str] = {}


def is_refusal(exc: docker.errors.APIError) -> bool:
    """Whether the engine refused the container because it cannot cap its layer."""
    text = str(exc.explanation or exc).lower()
    return "storage-opt" in text or "storage opt" in text


class LayerLimit:
    """The cap one engine (known by its API address) gives a sandbox's writable layer."""

    def __init__(self, engine: str, size: str | None) -> None:
        self.engine, self.size = engine, size

    def storage_opt(self) -> dict[str, str] | None:
        """What to ask the engine for; None where it cannot cap or no cap is wanted."""
        if self.size is None or self.engine in _refusals:
            return None
        return {"size": self.size}

    def label(self) -> str:
        """What the sandbox records: the cap, or why there is none."""
        if self.size is None:
            return "none: not requested"
        refusal = _refusals.get(self.engine)
        return self.size if refusal is None else f"none: {refusal}"[:200]

    def refused(self, exc: docker.errors.APIError) -> None:
        """Remember that this engine cannot cap the layer, and why."""
        reason = str(exc.explanation or exc).strip()
        if self.engine not in _refusals:
            log.warning("sandboxes on %s get no writable-layer cap: %s", self.engine, reason)
        _refusals[self.engine] = reason

    def create(self, make: Callable[[], str]) -> str:
        """`make()` (which asks for `storage_opt()`); if the engine refuses the cap, remember
        that and make it again without one."""
        # Asked before the call: a concurrent sandbox may record the refusal meanwhile.
        capped = self.storage_opt() is not None
        try:
            return make()
        except docker.errors.APIError as exc:
            if not capped or not is_refusal(exc):
                raise
            self.refused(exc)
            return make()
