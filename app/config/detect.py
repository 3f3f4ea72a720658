"""Guesses the test command and the maintainers' test paths when the config leaves them out."""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath

from app.config.repo_files import RepoFiles

PYTEST = "python3 -m pytest -q"
PYTHON_MARKERS = ("pytest.ini", "tox.ini", "setup.cfg", "conftest.py", "pyproject.toml", "setup.py")
TEST_DIRS = ("tests", "test", "spec", "__tests__")
# `npm init` writes this placeholder; it is not a test suite.
NPM_PLACEHOLDER = "no test specified"


def detect_test_command(files: RepoFiles) -> str | None:
    """The first of pytest, npm, go, cargo, make that the repository looks like it uses."""
    if _looks_like_pytest(files):
        return PYTEST
    if _npm_has_test_script(files):
        return "npm test"
    if "go.mod" in files.paths:
        return "go test ./..."
    if "Cargo.toml" in files.paths:
        return "cargo test"
    makefile = files.read("Makefile") or files.read("makefile") or ""
    if re.search(r"^test\s*:", makefile, flags=re.MULTILINE):
        return "make test"
    return None


def detect_protected(files: RepoFiles) -> tuple[str, ...]:
    """Top-level test directories; the maintainers' tests a candidate may not weaken."""
    return tuple(d for d in TEST_DIRS if files.has_dir(d))


def _looks_like_pytest(files: RepoFiles) -> bool:
    python_tests = any(_is_python_test(p) for p in files.paths)
    if not python_tests:
        return "pytest.ini" in files.paths
    return any(m in files.paths for m in PYTHON_MARKERS) or any(files.has_dir(d) for d in TEST_DIRS)


def _is_python_test(path: str) -> bool:
    name = PurePosixPath(path).name
    return name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py"))


def _npm_has_test_script(files: RepoFiles) -> bool:
    text = files.read("package.json")
    if text is None:
        return False
    try:
        scripts = json.loads(text).get("scripts") or {}
    except (ValueError, AttributeError):
        return False
    script = scripts.get("test") if isinstance(scripts, dict) else None
    return isinstance(script, str) and bool(script.strip()) and NPM_PLACEHOLDER not in script
