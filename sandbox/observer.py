"""Who hears how long sandboxes take to start and how long they live (metrics, for one)."""

from __future__ import annotations

from typing import Protocol

from sandbox.models import SandboxSpec


class SandboxObserver(Protocol):
    """Told about every sandbox that became ready, and again when it is removed."""

    def started(self, spec: SandboxSpec, seconds: float) -> None: ...

    def closed(self, spec: SandboxSpec, seconds: float) -> None: ...
