"""The test frameworks whose reports the runner reads (see `app.testing.framework`)."""

from __future__ import annotations

from app.testing.framework import TestFramework
from app.testing.frameworks.cargo_test import CargoTest
from app.testing.frameworks.gotest import GoTest
from app.testing.frameworks.javascript import JEST, MOCHA, VITEST
from app.testing.frameworks.node_test import NodeTest
from app.testing.frameworks.pytest_junit import Pytest

# First match wins: put a framework before any other that would also match its commands.
FRAMEWORKS: tuple[TestFramework, ...] = (
    Pytest(),
    GoTest(),
    CargoTest(),
    NodeTest(),
    JEST,
    VITEST,
    MOCHA,
)


def framework_for(command: str) -> TestFramework | None:
    """The framework `command` runs, or None when it is judged by its exit code alone."""
    return next((f for f in FRAMEWORKS if f.matches(command)), None)
