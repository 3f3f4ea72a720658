"""Checks `autofix solve` makes before spending anything; each failure says what to do."""

from __future__ import annotations

import secrets
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from app.config import (
    DEFAULT_IMAGE,
    ConfigError,
    NotAGitRepository,
    RepoConfig,
    RepoFiles,
    load_repo_config,
)
from app.engine import EngineJob
from app.llm.base import ModelConfigError
from app.llm.spec import parse_model_spec
from app.settings import Settings
from app.solve.issue_file import IssueFileError, parse_issue_markdown
from scaling.issue import Issue

BUILD_BASE = "deploy/sandbox/build-base.sh"


class BadInput(Exception):
    """Something the user gave cannot be used; the message names the fix (exit code 2)."""


@dataclass(frozen=True)
class SolveArgs:
    """The command-line arguments of `autofix solve`."""

    repo: str
    issue_file: str
    config: str | None
    out: str
    model: str | None


def prepare(args: SolveArgs, settings: Settings) -> tuple[EngineJob, Issue]:
    """Validate the repository, issue, config, model spec and output directory."""
    repo = Path(args.repo).expanduser().resolve()
    if not repo.is_dir():
        raise BadInput(f"--repo {args.repo}: no such directory")
    try:
        files = RepoFiles.from_git(repo)
    except NotAGitRepository as exc:
        raise BadInput(str(exc)) from None
    commit = _head(repo)
    issue = _issue(Path(args.issue_file))
    config = _config(args.config, files)
    config = config.with_default_image(settings.sandbox_image)
    spec = args.model or config.model
    try:
        parse_model_spec(spec)
    except ModelConfigError as exc:
        where = "--model" if args.model else "`model` in the config"
        raise BadInput(f"{where}: {exc}") from None
    out = Path(args.out).expanduser().resolve()
    if out == repo or repo in out.parents:
        raise BadInput(f"--out {args.out} is inside --repo; choose a directory outside it")
    run_id = f"solve-{time.strftime('%Y%m%d%H%M%S')}-{secrets.token_hex(3)}"
    job = EngineJob(
        repo, commit, config, spec, out, run_id, max_patch_bytes=settings.max_patch_bytes
    )
    return job, issue


def _head(repo: Path) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "--verify", "HEAD^{commit}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BadInput(f"{repo} has no commit yet: commit the code first")
    return done.stdout.strip()


def _issue(path: Path) -> Issue:
    if not path.is_file():
        raise BadInput(
            f"--issue-file {path}: no such file; write the issue as Markdown "
            "(`# title` on the first line, then the description)"
        )
    try:
        return parse_issue_markdown(path.read_text(errors="replace"), str(path))
    except IssueFileError as exc:
        raise BadInput(str(exc)) from None


def _config(config_path: str | None, files: RepoFiles) -> RepoConfig:
    try:
        if config_path is None:
            return load_repo_config(files)
        path = Path(config_path)
        if not path.is_file():
            raise BadInput(f"--config {config_path}: no such file")
        return load_repo_config(files, override=(path.read_text(), str(config_path)))
    except ConfigError as exc:
        raise BadInput(str(exc)) from None


def require_local_image(client: object, image: str) -> None:
    """The sandbox image must exist locally (autofix never pulls on its own)."""
    import docker.errors

    try:
        client.images.get(image)  # type: ignore[attr-defined]
    except docker.errors.ImageNotFound:
        if image.split(":")[0] == DEFAULT_IMAGE.split(":")[0]:
            build = BUILD_BASE if image == DEFAULT_IMAGE else f"{BUILD_BASE} {image}"
            raise BadInput(
                f"sandbox image {image} not found: run {build} to build it (about a minute)"
            ) from None
        raise BadInput(
            f"sandbox image {image} not found: `docker pull {image}` or build it, "
            "or remove `sandbox.image` from the config to use the default"
        ) from None
