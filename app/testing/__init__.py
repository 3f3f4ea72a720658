"""Running a repository's tests in sandboxes for the engine (baseline, gates, holdout)."""

from __future__ import annotations

from app.testing.framework import PreparedRun, RunNames, TestFramework
from app.testing.frameworks import FRAMEWORKS, framework_for
from app.testing.patches import added_test_files, restrict_patch
from app.testing.runner import DockerTestRunner, TestPlan
from app.testing.sandboxes import DockerSandboxes
from scaling.reports import ReportError

__all__ = [
    "FRAMEWORKS",
    "DockerSandboxes",
    "DockerTestRunner",
    "PreparedRun",
    "ReportError",
    "RunNames",
    "TestFramework",
    "TestPlan",
    "added_test_files",
    "framework_for",
    "restrict_patch",
]
