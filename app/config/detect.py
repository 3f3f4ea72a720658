"""Guesses the test command and the maintainers' test paths when the config leaves them out."""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath

from app.config.repo_files import RepoFiles
from scaling.testpaths import is_test_path

PYTEST = "python3 -m pytest -q"
PYTHON_MARKERS = ("pytest.ini", "tox.ini", "setup.cfg", "conftest.py", "pyproject.toml", "setup.py")
TEST_DIRS = ("tests", "test", "spec", "__tests__")
# `npm init` writes this placeholder; it is not a test suite.
NPM_PLACEHOLDER = "no test specified"
# A test script that is one plain call of a runner whose report autofix reads is run
# directly (through the package manager's local binaries), so its reporter flags apply.
DIRECT_RUNNER = re.compile(r"^(?:node(?:\s+-\S+)*\s+--test|jest|vitest|mocha)\b[^;&|<>`$()]*$")
# Lock file -> how that package manager runs the test script, and a local binary.
PACKAGE_MANAGERS = (
    ("pnpm-lock.yaml", "pnpm test", "pnpm exec "),
    ("yarn.lock", "yarn test", "yarn "),
    ("package-lock.json", "npm test", "npx --no-install "),
    ("npm-shrinkwrap.json", "npm test", "npx --no-install "),
)


def detect_test_command(files: RepoFiles) -> str | None:
    """The first of pytest, Node, Go, Rust, Maven, Gradle, make the repository looks like it
    uses."""
    if _looks_like_pytest(files):
        return PYTEST
    script = _npm_test_script(files)
    if script is not None:
        return _node_command(files, script)
    if "go.mod" in files.paths:
        return "go test ./..."
    if "Cargo.toml" in files.paths:
        return "cargo test"
    if "pom.xml" in files.paths:
        return "mvn -B test"
    if "build.gradle" in files.paths or "build.gradle.kts" in files.paths:
        return "./gradlew test" if "gradlew" in files.paths else "gradle test"
    makefile = files.read("Makefile") or files.read("makefile") or ""
    if re.search(r"^test\s*:", makefile, flags=re.MULTILINE):
        return "make test"
    return None


def detect_report(command: str) -> str | None:
    """Where the build tools autofix detects write JUnit XML, for the command it detected."""
    if command.startswith("mvn "):
        return "target/surefire-reports/TEST-*.xml"
    if command.endswith("gradlew test") or command == "gradle test":
        return "build/test-results/test/TEST-*.xml"
    return None


# Beyond this many test files outside the test directories, only the directories are listed.
MAX_PROTECTED_FILES = 2000


def detect_protected(files: RepoFiles) -> tuple[str, ...]:
    """The maintainers' tests a candidate may not weaken: top-level test directories, and the
    test files that live beside the code (`x_test.go`, `x.test.ts`, `FooTest.java`)."""
    directories = tuple(d for d in TEST_DIRS if files.has_dir(d))
    beside = sorted(
        p
        for p in files.paths
        if is_test_path(p)
        and not p.startswith(tuple(d + "/" for d in directories))
        and not p.startswith(("node_modules/", "vendor/", "target/"))
        and "/node_modules/" not in p
    )
    if len(beside) > MAX_PROTECTED_FILES:
        return directories
    return directories + tuple(beside)


def _looks_like_pytest(files: RepoFiles) -> bool:
    python_tests = any(_is_python_test(p) for p in files.paths)
    if not python_tests:
        return "pytest.ini" in files.paths
    return any(m in files.paths for m in PYTHON_MARKERS) or any(files.has_dir(d) for d in TEST_DIRS)


def _is_python_test(path: str) -> bool:
    name = PurePosixPath(path).name
    return name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py"))


def _node_command(files: RepoFiles, script: str) -> str:
    """The package manager's `test`, or the runner itself when the script only calls it."""
    test, local = "npm test", "npx --no-install "
    for lock, manager_test, manager_local in PACKAGE_MANAGERS:
        if lock in files.paths:
            test, local = manager_test, manager_local
            break
    script = script.strip()
    if not DIRECT_RUNNER.match(script):
        return test
    return script if script.startswith("node") else local + script


def _npm_test_script(files: RepoFiles) -> str | None:
    text = files.read("package.json")
    if text is None:
        return None
    try:
        scripts = json.loads(text).get("scripts") or {}
    except (ValueError, AttributeError):
        return None
    script = scripts.get("test") if isinstance(scripts, dict) else None
    if not isinstance(script, str) or not script.strip() or NPM_PLACEHOLDER in script:
        return None
    return script
