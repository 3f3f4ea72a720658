"""Repository files the host reads for config and detection: huge ones are never read whole."""

from __future__ import annotations

import subprocess
import tracemalloc
from pathlib import Path

import pytest

from app.config import ConfigError, RepoFiles, detect_test_command, load_repo_config
from app.config.repo_files import MAX_READ_BYTES

MIB = 1024 * 1024


def committed(repo: Path, files: dict[str, int | str]) -> Path:
    """A repository with `files` (text, or that many zero bytes: git stores them in KiB)."""
    repo.mkdir()
    for name, content in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, int):
            with path.open("wb") as handle:
                handle.truncate(content)
        else:
            path.write_text(content)
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@localhost"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "base"], check=True)
    return repo


@pytest.mark.parametrize("source", ["git", "dir"])
def test_a_huge_manifest_is_never_read_whole(tmp_path: Path, source: str) -> None:
    repo = committed(tmp_path / "repo", {"Makefile": 64 * MIB, "package.json": 64 * MIB})
    tracemalloc.start()
    try:
        files = RepoFiles.from_git(repo) if source == "git" else RepoFiles.from_dir(repo)
        command = detect_test_command(files)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * MIB, f"the host held {peak / MIB:.0f} MiB of the repository's files"
    assert command is None and files.read("Makefile") is None


def test_a_config_file_over_the_limit_is_an_error_that_says_so(tmp_path: Path) -> None:
    repo = committed(
        tmp_path / "repo",
        {".github/autofix.yml": MAX_READ_BYTES + 1, "test_x.py": "def test_x():\n    pass\n"},
    )
    with pytest.raises(ConfigError, match=r"\.github/autofix\.yml could not be read \(over"):
        load_repo_config(RepoFiles.from_git(repo))


def test_files_up_to_the_limit_are_read(tmp_path: Path) -> None:
    text = "test:\n\tpytest\n" + "#" * (MAX_READ_BYTES - 20) + "\n"
    repo = committed(tmp_path / "repo", {"Makefile": text})
    for files in (RepoFiles.from_git(repo), RepoFiles.from_dir(repo)):
        assert files.read("Makefile") == text
