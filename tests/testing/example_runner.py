"""The engine's Docker test runner over the example repository, as the runner tests use it."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from app.testing import DockerSandboxes, DockerTestRunner, TestPlan
from tests.fakes.example_repo import git

HOLDOUT = ("tests/holdout",)


def example_runner(
    repo: Path, client: Any, label: str, command: str = "python3 -m pytest -q"
) -> DockerTestRunner:
    """`repo` (made by `make_repo`) at its HEAD, holdout hidden, maintainers' tests protected."""
    sandboxes = DockerSandboxes(
        repo,
        git(repo, "rev-parse", "HEAD").strip(),
        image="autofix-sandbox:bookworm",
        holdout=HOLDOUT,
        run_id=f"test-{label}-{secrets.token_hex(4)}",
        client=client,
    )
    plan = TestPlan(command=command, holdout=HOLDOUT, protected=("tests",), timeout_s=120)
    return DockerTestRunner(plan, sandboxes)
