"""Single-commit snapshots of a host repository: the tree at the base commit minus hidden paths."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sandbox.errors import CommitNotFound, SandboxError

DEFAULT_SETUP_FILES = (
    "pyproject.toml", "setup.py", "setup.cfg", "requirements*.txt", "requirements/*.txt",
    "requirements/*.in", "constraints*.txt", "Pipfile", "Pipfile.lock", "poetry.lock", "uv.lock",
    "pdm.lock", "environment.yml", "package.json", "package-lock.json", "yarn.lock",
    "pnpm-lock.yaml", "Cargo.toml", "Cargo.lock", "go.mod", "go.sum", "Gemfile", "Gemfile.lock",
    ".python-version",
)  # fmt: skip
# Fixed identity and dates make the single commit's sha a function of the tree alone.
_FRESH_GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "autofix",
    "GIT_AUTHOR_EMAIL": "autofix@localhost",
    "GIT_COMMITTER_NAME": "autofix",
    "GIT_COMMITTER_EMAIL": "autofix@localhost",
    "GIT_AUTHOR_DATE": "2000-01-01T00:00:00Z",
    "GIT_COMMITTER_DATE": "2000-01-01T00:00:00Z",
}
AGENT_UID = 1000


@dataclass(frozen=True)
class Snapshot:
    """The workspace of a sandbox as a tarball, plus what keys its caches."""

    base_sha: str  # the single commit inside the workspace
    tarball: bytes  # the tree and its one-commit .git, owned by the agent user
    setup_digest: str  # hash of the files the setup depends on


def _git(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    full_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **(env or {})}
    proc = subprocess.run(
        ["git", "-c", "safe.directory=*", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if proc.returncode != 0:
        raise SandboxError(f"git {' '.join(args)} failed in {cwd}: {proc.stderr.strip()}")
    return proc.stdout


def resolve_commit(repo: Path, commit: str) -> str:
    """The full sha of `commit` in `repo`, or CommitNotFound saying what to check."""
    if not (repo / ".git").exists() and not (repo / "HEAD").exists():
        raise SandboxError(f"{repo} is not a git repository; pass the path of a clone")
    try:
        return _git(["rev-parse", "--verify", "--quiet", f"{commit}^{{commit}}"], repo).strip()
    except SandboxError:
        raise CommitNotFound(
            f"base commit {commit!r} is not in {repo}; fetch it (git fetch origin {commit}) "
            "or pass a sha or ref that exists there"
        ) from None


def _setup_digest(tree: Path, patterns: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    found: list[Path] = []
    for pattern in patterns:
        found.extend(p for p in tree.glob(pattern) if p.is_file() and not p.is_symlink())
    for path in sorted(set(found)):
        digest.update(path.relative_to(tree).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _owned_by_agent(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = AGENT_UID
    info.uname = info.gname = "agent"
    return info


def _remove(tree: Path, relative: str) -> None:
    for path in tree.glob(relative) if any(c in relative for c in "*?[") else [tree / relative]:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()


def build_snapshot(
    repo: Path, sha: str, hidden: tuple[str, ...], setup_files: tuple[str, ...] | None
) -> Snapshot:
    """Check `sha` out into a fresh repository with one commit and no hidden paths; tar it."""
    with tempfile.TemporaryDirectory(prefix="autofix-snapshot-") as tmp:
        tree = Path(tmp) / "tree"
        tree.mkdir()
        # A private index keeps the host repository untouched.
        index_env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        _git(["read-tree", sha], repo, index_env)
        _git(["--work-tree", str(tree), "checkout-index", "--all", "--force"], repo, index_env)
        for relative in hidden:
            _remove(tree, relative)
        patterns = DEFAULT_SETUP_FILES if setup_files is None else setup_files
        digest = _setup_digest(tree, patterns)
        fresh = _FRESH_GIT_ENV
        _git(["init", "--quiet", "--initial-branch", "main"], tree, fresh)
        _git(["add", "--all", "--force", "."], tree, fresh)
        _git(["commit", "--quiet", "--no-verify", "--allow-empty", "-m", "base"], tree, fresh)
        _git(["repack", "-a", "-d", "-q"], tree, fresh)
        _git(["prune-packed"], tree, fresh)
        base_sha = _git(["rev-parse", "HEAD"], tree, fresh).strip()
        for sample in (tree / ".git" / "hooks").glob("*.sample"):
            sample.unlink()
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as tar:
            tar.add(tree, arcname=".", filter=_owned_by_agent)
        return Snapshot(base_sha=base_sha, tarball=buf.getvalue(), setup_digest=digest)
