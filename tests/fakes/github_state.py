"""In-memory state of the fake GitHub, with real bare git repositories on disk."""

from __future__ import annotations

import base64
import itertools
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Json = dict[str, Any]

_GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_AUTHOR_NAME": "Maintainer",
    "GIT_AUTHOR_EMAIL": "maintainer@example.com",
    "GIT_COMMITTER_NAME": "Maintainer",
    "GIT_COMMITTER_EMAIL": "maintainer@example.com",
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": "/nonexistent",
}


def git(*args: str, cwd: Path, input: bytes | None = None, check: bool = True) -> str:
    result = subprocess.run(
        ["git", *args], cwd=cwd, env=_GIT_ENV, input=input, capture_output=True, check=False
    )
    if check and result.returncode != 0:
        raise RuntimeError(f"git {args} failed: {result.stderr.decode()}")
    return result.stdout.decode()


@dataclass
class FakeRepo:
    """One hosted repository: its API object and its bare git directory."""

    owner: str
    name: str
    installation_id: int
    bare: Path
    data: Json
    numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    @property
    def default_branch(self) -> str:
        return str(self.data["default_branch"])

    def ref_sha(self, ref: str) -> str | None:
        out = git(
            "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", cwd=self.bare, check=False
        )
        return out.strip() or None

    def branches(self) -> dict[str, str]:
        out = git(
            "for-each-ref", "--format=%(refname:short) %(objectname)", "refs/heads", cwd=self.bare
        )
        return dict(line.split(" ", 1) for line in out.splitlines() if line)

    def read(self, ref: str, path: str) -> tuple[bytes, str] | None:
        """Blob bytes and sha of `path` at `ref`, or None when absent or not a file."""
        spec = f"{ref}:{path}"
        kind = git("cat-file", "-t", spec, cwd=self.bare, check=False).strip()
        if kind != "blob":
            return None
        sha = git("rev-parse", spec, cwd=self.bare).strip()
        data = subprocess.run(
            ["git", "cat-file", "blob", sha],
            cwd=self.bare,
            env=_GIT_ENV,
            capture_output=True,
            check=True,
        ).stdout
        return data, sha

    def last_commit(self, ref: str, fmt: str = "%H") -> str:
        """`git log -1 --format=FMT REF` in the bare repository."""
        return git("log", "-1", f"--format={fmt}", ref, cwd=self.bare).strip()

    def pull_node_id(self, number: int) -> str:
        """The GraphQL global id of pull request `number`, shaped like GitHub's `PR_kwDO...`."""
        packed = base64.urlsafe_b64encode(f"{self.data['id']}:{number}".encode()).decode()
        return "PR_kwDO" + packed.rstrip("=")

    def changed_files(self, base: str, head: str) -> list[str]:
        out = git("diff", "--name-only", f"{base}...{head}", cwd=self.bare)
        return out.split()


def init_bare(
    bare: Path, branch: str, files: Mapping[str, str | bytes] | None, from_path: Path | None
) -> None:
    """Create `bare` holding one commit of `files` (or a copy of `from_path`) on `branch`."""
    with tempfile.TemporaryDirectory(prefix="fake-github-seed-") as tmp:
        work = Path(tmp)
        if from_path is not None:
            shutil.copytree(
                from_path, work, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".git")
            )
        for rel, content in (files or {}).items():
            target = work / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content)
        git("init", "--quiet", f"--initial-branch={branch}", cwd=work)
        git("add", "-A", cwd=work)
        git("commit", "--quiet", "--allow-empty", "-m", "Initial commit", cwd=work)
        bare.parent.mkdir(parents=True, exist_ok=True)
        git("clone", "--quiet", "--bare", str(work), str(bare), cwd=work)
    git("config", "http.receivepack", "true", cwd=bare)
    git("config", "uploadpack.allowAnySHA1InWant", "true", cwd=bare)


def commit_files(bare: Path, branch: str, files: Mapping[str, str | bytes]) -> str:
    """Commit `files` on top of `branch` in `bare` through a scratch clone; returns the sha."""
    with tempfile.TemporaryDirectory(prefix="fake-github-push-") as tmp:
        work = Path(tmp) / "w"
        git("clone", "--quiet", f"--branch={branch}", str(bare), str(work), cwd=Path(tmp))
        for rel, content in files.items():
            target = work / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content)
        git("add", "-A", cwd=work)
        git("commit", "--quiet", "-m", "Maintainer change", cwd=work)
        git("push", "--quiet", "origin", f"HEAD:refs/heads/{branch}", cwd=work)
        return git("rev-parse", "HEAD", cwd=work).strip()


@dataclass
class GitHubState:
    """Everything the fake GitHub holds; tests read it to assert outcomes."""

    repos: dict[str, FakeRepo] = field(default_factory=dict)
    issues: dict[tuple[str, int], Json] = field(default_factory=dict)
    comments: dict[int, Json] = field(default_factory=dict)
    comment_issue: dict[int, tuple[str, int]] = field(default_factory=dict)
    reactions: list[Json] = field(default_factory=list)
    check_runs: dict[int, Json] = field(default_factory=dict)
    pulls: dict[tuple[str, int], Json] = field(default_factory=dict)
    review_comments: dict[tuple[str, int, int], list[Json]] = field(default_factory=dict)
    review_threads: dict[tuple[str, int], list[Json]] = field(default_factory=dict)
    """(repo, pull request) -> GraphQL `PullRequestReviewThread` nodes."""
    marked_ready: list[tuple[str, int]] = field(default_factory=list)
    """(repo, pull request) for every ready-for-review mutation the fake accepted."""
    permissions: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, tuple[int, float]] = field(default_factory=dict)
    """token -> (installation id, expiry as a unix time)."""
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(100))
    lock: threading.RLock = field(default_factory=threading.RLock)

    def repo(self, owner: str, name: str) -> FakeRepo | None:
        return self.repos.get(f"{owner}/{name}")

    def issue_comments(self, full: str, number: int) -> list[Json]:
        with self.lock:
            return [
                self.comments[cid]
                for cid, key in self.comment_issue.items()
                if key == (full, number)
            ]
