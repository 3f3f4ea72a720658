"""A small reader for unified diffs (git or plain): which files changed and which lines."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Literal

FileStatus = Literal["added", "deleted", "modified", "renamed"]

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)$")
_GIT_HEADER = re.compile(r"^diff --git a/(.+?) b/(.+)$")
_DOC_SUFFIXES = {".md", ".rst", ".txt", ".adoc"}


@dataclass
class FileDiff:
    """One file's part of a diff."""

    path: str
    old_path: str
    status: FileStatus = "modified"
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    # Every line a hunk showed, in order, with its marker (" ", "+", "-").
    lines: list[tuple[str, str]] = field(default_factory=list)


def _strip_prefix(name: str) -> str:
    name = name.split("\t")[0].strip()
    if name == "/dev/null":
        return name
    return name[2:] if name[:2] in ("a/", "b/") else name


def parse_diff(text: str) -> list[FileDiff]:
    """Split a unified diff into files; hunk lengths are counted so "--- x" stays content."""
    files: list[FileDiff] = []
    current: FileDiff | None = None
    old_left = new_left = 0
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if current is not None and (old_left > 0 or new_left > 0):
            marker, body = (line[:1] or " "), line[1:]
            if marker == "\\":
                continue
            current.lines.append((marker, body))
            if marker == "+":
                current.added.append(body)
                new_left -= 1
            elif marker == "-":
                current.removed.append(body)
                old_left -= 1
            else:
                old_left -= 1
                new_left -= 1
            continue
        git = _GIT_HEADER.match(line)
        if git:
            current = FileDiff(path=git.group(2), old_path=git.group(1))
            files.append(current)
            continue
        if line.startswith("--- ") and i < len(lines) and lines[i].startswith("+++ "):
            old, new = _strip_prefix(line[4:]), _strip_prefix(lines[i][4:])
            i += 1
            if current is None or current.lines:
                current = FileDiff(path=new, old_path=old)
                files.append(current)
            if old == "/dev/null":
                current.status, current.old_path = "added", new
            elif new == "/dev/null":
                current.status, current.path = "deleted", old
            continue
        if current is None:
            continue
        if line.startswith("new file mode"):
            current.status = "added"
        elif line.startswith("deleted file mode"):
            current.status = "deleted"
        elif line.startswith("rename from "):
            current.status, current.old_path = "renamed", line[len("rename from ") :]
        elif line.startswith("rename to "):
            current.path = line[len("rename to ") :]
        else:
            hunk = _HUNK.match(line)
            if hunk:
                old_left = int(hunk.group(2)) if hunk.group(2) is not None else 1
                new_left = int(hunk.group(4)) if hunk.group(4) is not None else 1
                current.lines.append(("@", hunk.group(5)))
    return files


def is_test_path(path: str) -> bool:
    """Test modules, test directories and conftest files count as tests."""
    p = PurePosixPath(path)
    name = p.name
    if name == "conftest.py" or (name.startswith("test_") and name.endswith(".py")):
        return True
    if name.endswith("_test.py"):
        return True
    return any(part in ("tests", "test", "testing") for part in p.parts[:-1])


def changes_code(files: list[FileDiff]) -> bool:
    """True when some changed file is neither a test nor documentation."""
    return any(
        not is_test_path(f.path) and PurePosixPath(f.path).suffix.lower() not in _DOC_SUFFIXES
        for f in files
    )


def changed_test_files(files: list[FileDiff]) -> list[str]:
    """Test modules the patch adds or edits (what reproduction runs on unpatched code)."""
    return sorted(
        f.path
        for f in files
        if f.status != "deleted"
        and is_test_path(f.path)
        and PurePosixPath(f.path).name != "conftest.py"
    )


def diff_size(files: list[FileDiff]) -> int:
    return sum(len(f.added) + len(f.removed) for f in files)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def normalized_key(text: str) -> str:
    """Identity of a patch's changes, blind to whitespace, context and line numbers."""
    parts: list[str] = []
    for f in sorted(parse_diff(text), key=lambda f: f.path):
        changed = [m + "".join(body.split()) for m, body in f.lines if m in "+-" and body.strip()]
        parts.append(f"{f.status}:{f.old_path}->{f.path}\n" + "\n".join(changed))
    return sha256("\n".join(parts))
