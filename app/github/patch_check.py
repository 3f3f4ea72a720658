"""The host's check of a winning patch before anything of it reaches the repository."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass

from app.github.errors import GitHubError
from scaling.diff import unquote

SYMLINK_MODE = "120000"
GITLINK_MODE = "160000"


class PatchRejected(GitHubError):
    """The patch touches something autofix never publishes; it names the path and the rule."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"the patch was not published: {path!r} {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class ChangedEntry:
    """One path a patch changes, with its new mode and (for symlinks) the link target."""

    path: str
    mode: str = "100644"
    link_target: str | None = None


def check_path(path: str) -> None:
    """Refuse paths outside the work tree, inside .git, in workflows, or autofix's config."""
    if not path or path.startswith("/") or "\\" in path or "\0" in path:
        raise PatchRejected(path, "is not a relative path inside the repository")
    parts = path.split("/")
    if ".." in parts or "." in parts or "" in parts:
        raise PatchRejected(path, "leaves the repository or is not normalized")
    lowered = [p.lower() for p in parts]
    if ".git" in lowered:
        raise PatchRejected(path, "is inside .git/")
    if lowered[:2] == [".github", "workflows"]:
        raise PatchRejected(path, "is a GitHub Actions workflow; change workflows by hand")
    if lowered in ([".github", "autofix.yml"], [".github", "autofix.yaml"]):
        raise PatchRejected(path, "is autofix's own configuration; maintainers change it")


def check_entry(entry: ChangedEntry) -> None:
    """`check_path`, plus: symlinks must point inside the repository; no submodule changes."""
    check_path(entry.path)
    if entry.mode == GITLINK_MODE:
        raise PatchRejected(entry.path, "changes a submodule")
    if entry.mode == SYMLINK_MODE:
        target = entry.link_target or ""
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(entry.path), target))
        if not target or target.startswith("/") or resolved == ".." or resolved.startswith("../"):
            raise PatchRejected(
                entry.path, f"is a symlink pointing outside the repository ({target!r})"
            )
        if resolved.split("/")[0].lower() == ".git" or "/.git/" in f"/{resolved.lower()}/":
            raise PatchRejected(entry.path, "is a symlink into .git/")


def _strip_prefix(path: str) -> str:
    return path[2:] if path.startswith(("a/", "b/")) else path


def _diff_git_paths(rest: str) -> list[str]:
    """Paths of a `diff --git a/X b/Y` line (X == Y unless renamed, and renames say so)."""
    if rest.startswith('"'):
        end = rest.index('"', 1) if '"' in rest[1:] else len(rest)
        while rest[end - 1] == "\\" and '"' in rest[end + 1 :]:
            end = rest.index('"', end + 1)
        first, second = rest[: end + 1], rest[end + 2 :]
        return [_strip_prefix(unquote(first)), _strip_prefix(unquote(second))]
    half = (len(rest) - 1) // 2
    if rest[half] == " " and rest[:half][2:] == rest[half + 1 :][2:]:
        return [_strip_prefix(rest[:half])]
    first, _, second = rest.partition(" b/")
    return [_strip_prefix(first), second]


def patch_entries(patch: str) -> list[ChangedEntry]:
    """Every path a unified git diff names, with symlink targets read from its hunks."""
    entries: list[ChangedEntry] = []
    paths: list[str] = []
    mode, in_hunk, target = "100644", False, None

    def flush() -> None:
        for path in dict.fromkeys(paths):
            entries.append(ChangedEntry(path, mode, target if mode == SYMLINK_MODE else None))

    for line in patch.splitlines():
        if line.startswith("diff --git "):
            flush()
            paths, mode, in_hunk, target = _diff_git_paths(line[11:]), "100644", False, None
        elif in_hunk:
            if line.startswith("+") and mode == SYMLINK_MODE:
                target = line[1:]
        elif line.startswith(("new file mode ", "new mode ")):
            mode = line.rsplit(" ", 1)[1]
        elif line.startswith("index ") and len(line.split()) == 3:
            mode = line.split()[2]
        elif line.startswith(("rename from ", "rename to ", "copy from ", "copy to ")):
            paths.append(unquote(line.split(" ", 2)[2]))
        elif line.startswith(("--- ", "+++ ")):
            raw = unquote(line[4:].split("\t", 1)[0])
            if raw != "/dev/null":
                paths.append(_strip_prefix(raw))
        elif line.startswith("@@"):
            in_hunk = True
    flush()
    return entries


def validate_patch(patch: str) -> list[ChangedEntry]:
    """Check every path of `patch`; raises `PatchRejected` naming the first offending path."""
    if not patch.strip():
        raise PatchRejected("", "is empty: there is nothing to publish")
    entries = patch_entries(patch)
    if not entries:
        raise PatchRejected("", "names no files: it is not a git diff")
    check_entries(entries)
    return entries


def check_entries(entries: Iterable[ChangedEntry]) -> None:
    for entry in entries:
        check_entry(entry)
