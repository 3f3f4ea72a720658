"""Opens Docker sandboxes for one run: one repository, one base commit, one image."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sandbox.container import DockerSandbox
from sandbox.models import Limits, SandboxSpec

REPORT_CAP_BYTES = 32 * 1024 * 1024


class DockerSandboxes:
    """A factory of fresh sandboxes, for rollouts and for test runs alike."""

    def __init__(
        self,
        repo: Path,
        commit: str,
        *,
        image: str,
        setup: Sequence[str] = (),
        holdout: Sequence[str] = (),
        run_id: str,
        client: Any = None,
        limits: Limits | None = None,
        command_timeout_s: float = 900.0,
    ) -> None:
        self.repo = repo
        self.commit = commit
        self.image = image
        self.setup = tuple(setup)
        self.holdout = tuple(holdout)
        self.run_id = run_id
        self.client = client
        self.limits = limits or Limits()
        self.command_timeout_s = command_timeout_s

    def spec(self, purpose: str, hidden: Sequence[str]) -> SandboxSpec:
        return SandboxSpec(
            repo=self.repo,
            commit=self.commit,
            image=self.image,
            setup=self.setup,
            hidden_paths=tuple(hidden),
            run_id=self.run_id,
            limits=self.limits,
            labels={"autofix.purpose": purpose},
            exec_timeout_s=self.command_timeout_s,
            # Test runs read their JUnit report back through command output; agents keep the
            # sandbox's default cap, which bounds what reaches the model.
            **({} if purpose == "rollout" else {"output_cap_bytes": REPORT_CAP_BYTES}),
        )

    def __call__(self, purpose: str, hidden: Sequence[str]) -> DockerSandbox:
        """A sandbox with `hidden` paths absent; enter it with `async with`."""
        return DockerSandbox(self.spec(purpose, hidden), client=self.client)

    def rollout(self, rollout_id: str) -> DockerSandbox:
        """A rollout's sandbox: holdout paths are never visible to an agent."""
        return self("rollout", self.holdout)
