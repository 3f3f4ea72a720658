"""Small real git repositories for sandbox tests."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

GIT_ENV = {
    "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "maintainer",
    "GIT_AUTHOR_EMAIL": "maintainer@example.com",
    "GIT_COMMITTER_NAME": "maintainer",
    "GIT_COMMITTER_EMAIL": "maintainer@example.com",
}


def git(repo: Path, *args: str) -> str:
    """Run git in repo and return its stdout."""
    proc = subprocess.run(
        ["git", *args], cwd=repo, env=GIT_ENV, capture_output=True, check=False,
        encoding="utf-8", errors="surrogateescape",  # warnings may quote a patch's raw bytes
    )  # fmt: skip
    assert proc.returncode == 0, f"git {args}: {proc.stderr}"
    return proc.stdout


def commit_files(
    repo: Path,
    files: dict[str, str | bytes],
    *,
    executable: tuple[str, ...] = (),
    delete: tuple[str, ...] = (),
    message: str = "change",
) -> str:
    """Write files (and delete others), commit everything, return the new sha."""
    if not (repo / ".git").exists():
        repo.mkdir(parents=True, exist_ok=True)
        git(repo, "init", "-q", "-b", "main")
    for name, content in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    for name in executable:
        (repo / name).chmod(0o755)
    for name in delete:
        (repo / name).unlink()
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def tree_of_checkout(repo: Path, sha: str, dest: Path) -> Path:
    """A plain clone of repo at sha in dest (what a maintainer's clean checkout looks like)."""
    subprocess.run(["git", "clone", "-q", str(repo), str(dest)], env=GIT_ENV, check=True)
    git(dest, "checkout", "-q", sha)
    return dest
