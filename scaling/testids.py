"""Where a test id lives, in the id styles of every runner autofix reads."""

from __future__ import annotations

from collections.abc import Sequence


def in_paths(test_id: str, paths: Sequence[str]) -> bool:
    """True when a test id (`tests/h/test_x.py::name`, `pkg/foo::TestBar`) lies in `paths`."""
    where = test_id.split("::", 1)[0].split(" > ", 1)[0].rstrip("/")
    for path in paths:
        path = path.rstrip("/")
        # A path inside a test id's directory: a Go package holding a holdout test file.
        if where == path or where.startswith(path + "/") or path.startswith(where + "/"):
            return True
    return False
