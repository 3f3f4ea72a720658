"""Which paths are tests, by each ecosystem's conventions; one table, used everywhere."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

# Directories whose files are all tests (or test support), in any ecosystem.
TEST_DIRS: frozenset[str] = frozenset(
    {"test", "tests", "testing", "__tests__", "spec", "specs", "testdata"}
)

# File names that mark a test wherever they live, by ecosystem.
TEST_NAMES: dict[str, re.Pattern[str]] = {
    "python": re.compile(r"^test_.*\.py$|_test\.py$|^conftest\.py$"),
    "go": re.compile(r"_test\.go$"),
    "javascript": re.compile(r"\.(test|spec)\.[cm]?[jt]sx?$"),
    "rust": re.compile(r"_test\.rs$"),
    "ruby": re.compile(r"_(test|spec)\.rb$"),
    "jvm": re.compile(r"Tests?\.(java|kt|scala|groovy)$"),
    "dotnet": re.compile(r"Tests?\.cs$"),
    "php": re.compile(r"Test\.php$"),
}


def is_test_path(path: str) -> bool:
    """A test by directory (`tests/`, `__tests__/`, `spec/`…) or by name (`test_x.py`,
    `x_test.go`, `x.test.ts`, `FooTest.java`…)."""
    pure = PurePosixPath(path)
    if TEST_DIRS.intersection(pure.parts[:-1]):
        return True
    return any(pattern.search(pure.name) for pattern in TEST_NAMES.values())
