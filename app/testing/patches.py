"""Picking parts of a candidate's patch: its new tests, or its changes to some files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePosixPath

from scaling.diff import header_paths, parse_diff
from scaling.testpaths import is_test_path


def added_test_files(patch: str, under: Sequence[str]) -> list[str]:
    """Test modules the patch creates below `under` (conftest.py files are not tests)."""
    roots = [p.rstrip("/") for p in under]
    return [
        f.path
        for f in parse_diff(patch)
        if f.status == "added"
        and is_test_path(f.path)
        and PurePosixPath(f.path).name != "conftest.py"
        and any(f.path == r or f.path.startswith(r + "/") for r in roots)
    ]


def restrict_patch(patch: str, paths: Sequence[str]) -> str:
    """The parts of a git diff that touch `paths` (the candidate's new or changed tests)."""
    wanted = set(paths)
    kept: list[str] = []
    keep = False
    for chunk in _file_chunks(patch):
        names = header_paths(chunk[0].rstrip("\n"))
        if names is not None:
            keep = names[1] in wanted
        if keep:
            kept.extend(chunk)
    return "".join(kept)


def _file_chunks(patch: str) -> list[list[str]]:
    chunks: list[list[str]] = []
    for line in patch.splitlines(keepends=True):
        if line.startswith("diff --git ") or not chunks:
            chunks.append([])
        chunks[-1].append(line)
    return chunks
