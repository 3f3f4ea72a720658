"""A small reader for unified diffs (git or plain): which files changed and which lines."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Literal

from scaling.testpaths import is_test_path

FileStatus = Literal["added", "deleted", "modified", "renamed"]

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)$")
_GIT_HEADER = re.compile(r'^diff --git (a/.+?|"a/.+?") (b/.+|"b/.+")$')
_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}
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


def unquote(name: str) -> str:
    """A path as git wrote it, quoted and escaped (`"tests/\\303\\274/x.py"`) or not."""
    if len(name) < 2 or name[0] != '"' or name[-1] != '"':
        return name
    out = bytearray()
    body = name[1:-1]
    i = 0
    while i < len(body):
        char = body[i]
        if char != "\\" or i + 1 == len(body):
            out += char.encode()
            i += 1
        elif body[i + 1] in "01234567":
            out.append(int(body[i + 1 : i + 4], 8) & 0xFF)
            i += 4
        else:
            out.append(_ESCAPES.get(body[i + 1], ord(body[i + 1])))
            i += 2
    return out.decode("utf-8", errors="surrogateescape")


def _strip_prefix(name: str) -> str:
    name = name.strip()
    name = unquote(name) if name.startswith('"') else name.split("\t")[0]
    if name == "/dev/null":
        return name
    return name[2:] if name[:2] in ("a/", "b/") else name


def header_paths(line: str) -> tuple[str, str] | None:
    """Old and new path of a `diff --git` line, unquoted; None for any other line."""
    git = _GIT_HEADER.match(line)
    if git is None:
        return None
    return _strip_prefix(git.group(1)), _strip_prefix(git.group(2))


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
        paths = header_paths(line)
        if paths is not None:
            current = FileDiff(path=paths[1], old_path=paths[0])
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
            current.status, current.old_path = "renamed", unquote(line[len("rename from ") :])
        elif line.startswith("rename to "):
            current.path = unquote(line[len("rename to ") :])
        else:
            hunk = _HUNK.match(line)
            if hunk:
                old_left = int(hunk.group(2)) if hunk.group(2) is not None else 1
                new_left = int(hunk.group(4)) if hunk.group(4) is not None else 1
                current.lines.append(("@", hunk.group(5)))
    return files


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
