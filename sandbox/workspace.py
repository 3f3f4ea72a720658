"""File and git operations on a sandbox's /workspace, written against a small run primitive."""

from __future__ import annotations

import io
import posixpath
import secrets
import tarfile
import time
from abc import ABC, abstractmethod

import docker

from sandbox.builder import WORKSPACE
from sandbox.client import blocking
from sandbox.errors import PatchTooLarge, SandboxError
from sandbox.execution import Capture
from sandbox.models import ExecResult

READ = """p=$(realpath -e -- "$1" 2>/dev/null) || { echo "no such file: $1" >&2; exit 2; }
case "$p" in /workspace/*) ;; *) echo "path leaves the workspace: $1" >&2; exit 3;; esac
[ -f "$p" ] || { echo "not a regular file: $1" >&2; exit 4; }
if [ -n "$2" ]; then exec head -c "$2" -- "$p"; fi
exec cat -- "$p"
"""
WRITE = """p=$(realpath -m -- "$1")
case "$p" in
  /workspace/*) ;;
  *) rm -f -- "$2"; echo "path leaves the workspace: $1" >&2; exit 3;;
esac
mkdir -p -- "$(dirname -- "$p")" && cat -- "$2" > "$p"; rc=$?; rm -f -- "$2"; exit $rc
"""
# At most $2 bytes of the diff leave the sandbox: one byte over the cap says it is too large
# without the rest ever reaching the host's memory. git's SIGPIPE (141) is head stopping it.
DIFF = """git add --all || exit $?
git diff --cached --binary -M --no-color --no-ext-diff "$1" | head -c "$2"
status=${PIPESTATUS[0]}
[ "$status" = 0 ] || [ "$status" = 141 ] || exit "$status"
"""
# The three largest changed files, to say what made a diff too large.
LARGEST = """git diff --cached --name-only -z "$1" | xargs -0 -r du -b -- 2>/dev/null \
  | sort -rn | head -3 | awk -F'\t' '{printf "%s%s (%d bytes)", (NR > 1 ? ", " : ""), $2, $1}'
"""
# Uploads are staged outside /tmp: Docker's archive API cannot reach into a tmpfs mount.
UPLOAD_DIR = "/var/tmp"
APPLY = 'git apply --whitespace=nowarn -- "$1"; rc=$?; rm -f -- "$1"; exit $rc'
# Unstage everything under the path, bring back the base's files, drop what is left over.
RESET = """set -e
base=$1; shift
for p in "$@"; do
  git rm -r -q --cached --ignore-unmatch -- "$p" >/dev/null
  if git cat-file -e "$base:$p" 2>/dev/null; then git checkout "$base" -- "$p"; fi
  git clean -f -d -q -- "$p"
done
"""


def safe_relative(path: str) -> str:
    """A normalised path inside the workspace, or SandboxError for anything that leaves it."""
    if not path or "\0" in path:
        raise SandboxError(f"invalid workspace path {path!r}")
    if path.startswith(WORKSPACE + "/"):
        path = path[len(WORKSPACE) + 1 :]
    normal = posixpath.normpath(path)
    if posixpath.isabs(normal) or normal == ".." or normal.startswith("../"):
        raise SandboxError(f"path {path!r} leaves the workspace; use a path relative to it")
    return normal


class WorkspaceFiles(ABC):
    """read_file, write_file, diff, apply and reset_paths on top of `_run`."""

    @property
    @abstractmethod
    def client(self) -> docker.DockerClient: ...

    @property
    @abstractmethod
    def container_id(self) -> str: ...

    @property
    @abstractmethod
    def base_sha(self) -> str: ...

    @property
    @abstractmethod
    def max_patch_bytes(self) -> int: ...

    @abstractmethod
    async def _run(
        self, argv: list[str], out: Capture, err: Capture | None, deadline_s: float
    ) -> int: ...

    async def _script(self, script: str, *args: str, what: str) -> bytes:
        out, err = Capture(None), Capture(8000)
        code = await self._run(["bash", "-c", script, "sandbox", *args], out, err, 300)
        if code != 0:
            raise SandboxError(f"{what} failed (exit {code}): {err.text().strip()}")
        return out.raw()

    async def read_file(self, path: str, max_bytes: int | None = None) -> bytes:
        """The bytes of a workspace file (path relative to /workspace); with `max_bytes`, at
        most that many, cut inside the sandbox (a repository's file can be any size)."""
        rel = safe_relative(path)
        out, err = Capture(None), Capture(8000)
        limit = "" if max_bytes is None else str(max(max_bytes, 0))
        code = await self._run(["bash", "-c", READ, "sandbox", rel, limit], out, err, 300)
        if code == 2:
            raise FileNotFoundError(f"{rel} does not exist in the sandbox workspace")
        if code != 0:
            raise SandboxError(f"reading {rel} failed: {err.text().strip()}")
        return out.raw()

    async def _upload(self, data: bytes) -> str:
        name = f"autofix-upload-{secrets.token_hex(8)}"
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = len(data), 0o600, int(time.time())
        info.uid = info.gid = 1000
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as tar:
            tar.addfile(info, io.BytesIO(data))
        await blocking(self.client.api.put_archive, self.container_id, UPLOAD_DIR, buf.getvalue())
        return f"{UPLOAD_DIR}/{name}"

    async def write_file(self, path: str, data: bytes | str) -> None:
        """Write a workspace file, creating parent directories; an existing file keeps its mode."""
        rel = safe_relative(path)
        payload = data.encode() if isinstance(data, str) else data
        staged = await self._upload(payload)
        await self._script(WRITE, rel, staged, what=f"writing {rel}")

    async def diff(self) -> str:
        """Every change since the base commit as a binary-safe patch `git apply` accepts;
        PatchTooLarge (decided inside the sandbox) when it is over `max_patch_bytes`."""
        cap = self.max_patch_bytes
        raw = await self._script(DIFF, self.base_sha, str(cap + 1), what="computing the diff")
        if len(raw) > cap:
            largest = await self._script(LARGEST, self.base_sha, what="listing large files")
            raise PatchTooLarge(cap, largest.decode(errors="replace").strip())
        return raw.decode("utf-8", errors="surrogateescape")

    async def apply(self, patch: str | bytes) -> ExecResult:
        """Apply a patch with `git apply` in /workspace."""
        payload = patch if isinstance(patch, bytes) else patch.encode(errors="surrogateescape")
        staged = await self._upload(payload)
        out = Capture(30_000)
        started = time.monotonic()
        code = await self._run(["bash", "-c", APPLY, "sandbox", staged], out, None, 300)
        return ExecResult(
            exit_code=code, output=out.text(), truncated_bytes=out.truncated,
            duration_s=time.monotonic() - started,
        )  # fmt: skip

    async def reset_paths(self, paths: list[str] | tuple[str, ...]) -> None:
        """Restore paths to the base commit, deleting files added under them since."""
        rels = [safe_relative(p) for p in paths]
        if rels:
            await self._script(RESET, self.base_sha, *rels, what=f"resetting {', '.join(rels)}")
