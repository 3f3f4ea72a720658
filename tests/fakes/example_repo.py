"""Throwaway git repositories made from examples/calc, patches against them, and the fixes
scripted agents write into them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "calc"
IDENTITY = ["-c", "user.name=autofix-tests", "-c", "user.email=tests@localhost"]

FIXED_MEDIAN = '''"""Basic descriptive statistics."""


def mean(values):
    """Arithmetic mean of a non-empty sequence."""
    if not values:
        raise ValueError("mean() of an empty sequence")
    return sum(values) / len(values)


def median(values):
    """Middle value of a non-empty sequence."""
    if not values:
        raise ValueError("median() of an empty sequence")
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2 == 0:
        return (ordered[middle - 1] + ordered[middle]) / 2
    return ordered[middle]
'''

# Passes [1, 2, 3, 4] (the visible example) but not [4, 1, 3, 2] or [10, 20] (the holdout).
WRONG_MEDIAN = FIXED_MEDIAN.replace(
    "    if len(ordered) % 2 == 0:\n        return (ordered[middle - 1] + ordered[middle]) / 2\n",
    "    if values == [1, 2, 3, 4]:\n        return 2.5\n",
)

NEW_TEST = """from calc import median


def test_median_even_count():
    assert median([1, 2, 3, 4]) == 2.5
"""

# What a refinement asked to "also cover unsorted input" adds.
MORE_TESTS = """from calc import median


def test_median_even_unsorted():
    assert median([4, 1, 3, 2]) == 2.5
"""


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), *IDENTITY, *args], check=True, capture_output=True, text=True
    )
    return done.stdout


def make_repo(where: Path, keep_issue: bool = False) -> Path:
    """A committed copy of examples/calc (without ISSUE.md unless asked)."""
    repo = where / "repo"
    shutil.copytree(EXAMPLE, repo)
    if not keep_issue:
        (repo / "ISSUE.md").unlink()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    return repo


def make_patch(repo: Path, edits: dict[str, str | None]) -> str:
    """The git diff that applies `edits` (path -> new text, None deletes) to HEAD."""
    work = repo.parent / f"patch-{abs(hash(tuple(sorted(edits.items()))))}"
    if work.exists():
        shutil.rmtree(work)
    subprocess.run(["git", "clone", "-q", str(repo), str(work)], check=True)
    for path, text in edits.items():
        target = work / path
        if text is None:
            target.unlink()
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
    git(work, "add", "-A")
    patch = git(work, "diff", "--cached", "--binary")
    shutil.rmtree(work)
    return patch
