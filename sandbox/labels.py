"""Labels on everything autofix creates in Docker, so the reaper can find and judge it."""

from __future__ import annotations

import time

MANAGED = "autofix.managed"
RUN_ID = "autofix.run_id"
EXPIRES_AT = "autofix.expires_at"
SCOPE = "autofix.scope"
KIND = "autofix.kind"
KEY = "autofix.key"
TREE = "autofix.tree"
BASE = "autofix.base"


def lifecycle(
    run_id: str, ttl_s: float, scope: str | None, kind: str, extra: dict[str, str] | None = None
) -> dict[str, str]:
    """Labels for a container or volume that lives at most ttl_s seconds."""
    labels = dict(extra or {})
    labels.update(
        {
            MANAGED: "true",
            RUN_ID: run_id,
            EXPIRES_AT: str(int(time.time() + ttl_s)),
            KIND: kind,
        }
    )
    if scope:
        labels[SCOPE] = scope
    return labels


def selector(scope: str | None, kind: str | None = None) -> list[str]:
    """Docker label filters for autofix-managed objects, optionally of one scope and kind."""
    filters = [f"{MANAGED}=true"]
    if scope:
        filters.append(f"{SCOPE}={scope}")
    if kind:
        filters.append(f"{KIND}={kind}")
    return filters
