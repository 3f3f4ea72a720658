"""Where a CI webhook tells the watcher of a head commit to look again (a Redis list)."""

from __future__ import annotations

NUDGE_TTL_S = 3600


def nudge_key(repo: str, sha: str) -> str:
    """The Redis list a `check_run`, `check_suite` or `status` event on `sha` pushes to."""
    return f"autofix:ci:{repo.casefold()}:{sha.casefold()}"
