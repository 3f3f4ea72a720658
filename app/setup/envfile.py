"""An env file of `KEY='value'` lines, updated in place: private from the first byte, atomic."""

from __future__ import annotations

import os
import re
import secrets
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path

from app.setup.errors import SetupError

_ASSIGN = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$")
_UNSAFE = re.compile(r"['\n\r\0]")


def _value_lines(first: str, rest: list[str]) -> int:
    """How many further lines a value starting with `first` spans (a quote left open)."""
    value = first.strip()
    if not value or value[0] not in "'\"":
        return 0
    quote = value[0]
    text = value[1:]
    for extra in range(len(rest) + 1):
        if _closes(text, quote):
            return extra
        if extra < len(rest):
            text = rest[extra]
    return len(rest)


def _closes(text: str, quote: str) -> bool:
    escaped = False
    for char in text:
        if quote == '"' and char == "\\" and not escaped:
            escaped = True
            continue
        if char == quote and not escaped:
            return True
        escaped = False
    return False


class EnvFile:
    """The file `autofix setup` writes the App's identity to."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> list[str]:
        try:
            info = os.lstat(self.path)
        except FileNotFoundError:
            return []
        if not stat.S_ISREG(info.st_mode):
            raise SetupError(
                f"{self.path} is not a regular file (a symlink or device): "
                "pass --env-file with a plain file's path"
            )
        fd = os.open(self.path, os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(fd, encoding="utf-8") as handle:
            return handle.read().splitlines()

    def values(self, keys: Iterable[str]) -> dict[str, str]:
        """The non-empty values of `keys` (one-line values, quotes removed)."""
        wanted, found = set(keys), {}
        for line in self._read():
            match = _ASSIGN.match(line)
            if match and match.group(1) in wanted:
                value = match.group(2).strip()
                if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                    value = value[1:-1]
                if value:
                    found[match.group(1)] = value
        return found

    def present(self, keys: Iterable[str]) -> list[str]:
        """Which of `keys` already have a non-empty value."""
        return list(self.values(keys))

    def ensure_free(
        self, keys: Iterable[str], overwrite: bool, same: Mapping[str, str] | None = None
    ) -> None:
        """Refuse before GitHub is asked for anything, unless told to replace; a key already
        holding exactly its value in `same` is no conflict."""
        same = same or {}
        taken = [k for k, v in self.values(keys).items() if same.get(k) != v]
        if taken and not overwrite:
            raise SetupError(
                f"{self.path} already sets {', '.join(taken)}: pass --overwrite to replace them "
                "(the old App keeps working until you delete it), or choose another --env-file"
            )

    def update(self, values: Mapping[str, str], keep: Iterable[str] = ()) -> None:
        """Set `values`, except keys in `keep` that already have a value; other lines stay."""
        for key, value in values.items():
            if _UNSAFE.search(value):
                raise SetupError(f"refusing to write {key}: its value holds a quote or line break")
        kept = set(self.present(keep))
        lines = self._read()
        out: list[str] = []
        index = 0
        while index < len(lines):
            line = lines[index]
            match = _ASSIGN.match(line)
            index += 1
            if match and match.group(1) in values and match.group(1) not in kept:
                # Drop the old assignment, including the rest of a quoted multi-line value.
                index += _value_lines(match.group(2), lines[index:])
                continue
            out.append(line)
        out.extend(f"{key}='{value}'" for key, value in values.items() if key not in kept)
        self._replace("\n".join(out) + "\n")

    def _replace(self, text: str) -> None:
        directory = self.path.parent
        if not directory.is_dir():
            raise SetupError(f"the directory of --env-file {self.path} does not exist")
        temp = directory / f".{self.path.name}.{secrets.token_hex(6)}.tmp"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
        fd = os.open(temp, flags, 0o600)  # private before a single byte is written
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            temp.replace(self.path)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
