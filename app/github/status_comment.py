"""The run's status comment: found again by a hidden marker, edited in place, never duplicated."""

from __future__ import annotations

import re

_MARKER = "<!-- autofix:status run={run_id} -->"
_RUN_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")


def status_marker(run_id: str) -> str:
    """The hidden HTML comment that identifies the status comment of run `run_id`."""
    if not _RUN_ID.match(run_id):
        raise ValueError(f"run id {run_id!r} cannot be embedded in a status marker")
    return _MARKER.format(run_id=run_id)


def with_marker(run_id: str, body: str) -> str:
    """`body` led by the run's marker (kept first so it survives edits of the rendering)."""
    return f"{status_marker(run_id)}\n{body}"


def has_marker(run_id: str, body: str) -> bool:
    return body.startswith(status_marker(run_id))
