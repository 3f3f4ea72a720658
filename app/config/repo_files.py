"""Read-only access to one revision of a repository, without touching its work tree."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# A repository's manifests and config are small; anything larger is not read at all, so a
# file of gigabytes (a few KiB once git compresses it) never lands in the host's memory.
MAX_READ_BYTES = 1024 * 1024


class NotAGitRepository(Exception):
    """The path is not a git repository with at least one commit."""


@dataclass(frozen=True)
class RepoFiles:
    """The file paths of a revision and a way to read one of them (None: absent, unreadable,
    or over MAX_READ_BYTES)."""

    paths: frozenset[str]
    reader: Callable[[str], str | None]

    def read(self, path: str) -> str | None:
        return self.reader(path) if path in self.paths else None

    def has_dir(self, name: str) -> bool:
        prefix = name.rstrip("/") + "/"
        return any(p.startswith(prefix) for p in self.paths)

    @classmethod
    def from_git(cls, repo: Path, rev: str = "HEAD") -> RepoFiles:
        """Files as committed at `rev`; uncommitted changes are not seen."""
        listing = _git(repo, "ls-tree", "-r", "-z", "--name-only", rev)
        if listing is None:
            raise NotAGitRepository(
                f"{repo} is not a git repository with a commit at {rev}: "
                "run `git init`, commit the code, and try again"
            )

        def read(path: str) -> str | None:
            size = _git(repo, "cat-file", "-s", f"{rev}:{path}")
            if size is None or not size.strip().isdigit() or int(size) > MAX_READ_BYTES:
                return None
            return _git(repo, "show", f"{rev}:{path}")

        return cls(frozenset(p for p in listing.split("\0") if p), read)

    @classmethod
    def from_dir(cls, root: Path) -> RepoFiles:
        """Files of a plain directory (used for checkouts the app already made)."""
        paths = frozenset(
            p.relative_to(root).as_posix()
            for p in root.rglob("*")
            if p.is_file() and ".git" not in p.relative_to(root).parts
        )

        def read(path: str) -> str | None:
            try:
                with (root / path).open("rb") as handle:
                    data = handle.read(MAX_READ_BYTES + 1)
            except OSError:
                return None
            return None if len(data) > MAX_READ_BYTES else data.decode(errors="replace")

        return cls(paths, read)


def _git(repo: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), *args],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None
