"""The host refuses patches that reach outside the code autofix may change."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from app.github import PatchRejected, validate_patch
from app.github.patch_check import ChangedEntry, check_entry
from scaling.diff import unquote


def git_diff(tmp_path: Path, change: str) -> str:
    """A real `git diff` of the work tree after running the shell snippet `change`."""
    env = {"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "PATH": "/usr/bin:/bin"}
    script = (
        "set -e; git init -q; mkdir -p src; echo a > src/a.py; git add -A; "
        "git -c user.name=t -c user.email=t@e commit -qm base; "
        f"{change}; git add -A; git diff --cached --binary -M"
    )
    done = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def test_an_ordinary_patch_passes(tmp_path: Path) -> None:
    patch = git_diff(tmp_path, "echo b >> src/a.py; echo t > test_a.py; ln -s src/a.py link")

    paths = {e.path for e in validate_patch(patch)}

    assert paths == {"src/a.py", "test_a.py", "link"}


@pytest.mark.parametrize(
    ("change", "culprit"),
    [
        (
            "mkdir -p .github/workflows; echo x > .github/workflows/ci.yml",
            ".github/workflows/ci.yml",
        ),
        ("mkdir -p .github; echo 'rollouts: 99' > .github/autofix.yml", ".github/autofix.yml"),
        ("ln -s ../../etc/passwd src/pw", "src/pw"),
        ("ln -s /etc/passwd pw", "pw"),
        ("ln -s .git/config cfg", "cfg"),
        (
            "mkdir -p .github/workflows; git mv src/a.py .github/workflows/x.yml",
            ".github/workflows/x.yml",
        ),
    ],
)
def test_real_diffs_touching_forbidden_paths_are_rejected(
    tmp_path: Path, change: str, culprit: str
) -> None:
    patch = git_diff(tmp_path, change)

    with pytest.raises(PatchRejected) as caught:
        validate_patch(patch)

    assert caught.value.path == culprit


@pytest.mark.parametrize(
    "header",
    [
        "diff --git a/.git/hooks/pre-commit b/.git/hooks/pre-commit\n"
        "--- /dev/null\n+++ b/.git/hooks/pre-commit\n",
        "diff --git a/../outside b/../outside\n--- /dev/null\n+++ b/../outside\n",
        "diff --git a/x b/x\n--- /dev/null\n+++ /etc/cron.d/x\n",
        "diff --git a/ok b/ok\nrename from ok\nrename to sub/.GIT/config\n",
        'diff --git "a/.git/x" "b/.git/x"\n--- /dev/null\n+++ "b/.git/x"\n',
        "diff --git a/.GitHub/Workflows/a.yml b/.GitHub/Workflows/a.yml\n",
    ],
)
def test_handwritten_escapes_are_rejected(header: str) -> None:
    with pytest.raises(PatchRejected):
        validate_patch(header + "@@ -0,0 +1 @@\n+x\n")


def test_empty_patch_is_rejected() -> None:
    with pytest.raises(PatchRejected, match="nothing to publish"):
        validate_patch("  \n")


def test_symlinks_and_submodules() -> None:
    check_entry(ChangedEntry("docs/link", "120000", "../README.md"))
    with pytest.raises(PatchRejected, match="outside"):
        check_entry(ChangedEntry("docs/link", "120000", "../../README.md"))
    with pytest.raises(PatchRejected, match="submodule"):
        check_entry(ChangedEntry("vendor/lib", "160000"))


def test_unquote_reads_git_c_quoting() -> None:
    assert unquote('"caf\\303\\251 \\"x\\".txt"') == 'café "x".txt'
    assert unquote("plain") == "plain"


def test_hostile_quoting_is_read_never_a_crash() -> None:
    def patch(quoted: str) -> str:
        return f'diff --git "a/{quoted}" "b/{quoted}"\n--- "a/{quoted}"\n+++ "b/{quoted}"\n'

    # Octal escapes git never writes (over 0o377) still decode to one byte each.
    (entry,) = validate_patch(patch("src/\\777.py"))
    assert entry.path.startswith("src/") and entry.path.endswith(".py")
    with pytest.raises(PatchRejected, match=r"\.git"):
        validate_patch(patch("\\056git/hooks/post-checkout"))
