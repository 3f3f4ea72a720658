"""Running a repository's tests in sandboxes for the engine (baseline, gates, holdout)."""

from __future__ import annotations

from app.testing.command import JUNIT_PATH, command_line, is_pytest
from app.testing.patches import added_test_files, restrict_patch
from app.testing.runner import DockerTestRunner, TestPlan
from app.testing.sandboxes import DockerSandboxes

__all__ = [
    "JUNIT_PATH",
    "DockerSandboxes",
    "DockerTestRunner",
    "TestPlan",
    "added_test_files",
    "command_line",
    "is_pytest",
    "restrict_patch",
]
