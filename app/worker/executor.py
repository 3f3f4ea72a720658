"""Runs the engine for one run: a fresh clone, scoped sandboxes, rollouts recorded."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.config import CONFIG_PATH, RepoConfig, RepoFiles, resolve_defaults
from app.github.git import Git
from app.settings import Settings
from app.solve.compose import SolveJob, make_engine, make_model
from app.status.tracker import RunTracker
from app.store.records import Run
from app.testing import DockerSandboxes
from app.worker.adapters import run_scope
from app.worker.ports import RepoApi
from app.worker.results import ResultArchive
from app.worker.store_port import RunStorePort
from sandbox.container import DockerSandbox
from sandbox.models import SandboxSpec
from scaling.issue import Issue
from scaling.protocols import EventSink, RolloutRunner
from scaling.result import RunResult
from scaling.rollout import Rollout, RolloutRequest


class ScopedSandboxes(DockerSandboxes):
    """Sandboxes labelled with the run's scope, so cancelling the run can reap exactly them."""

    def __init__(self, *args: Any, scope: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope

    def spec(self, purpose: str, hidden: Sequence[str]) -> SandboxSpec:
        return super().spec(purpose, hidden).model_copy(update={"scope": self.scope})

    def __call__(self, purpose: str, hidden: Sequence[str]) -> DockerSandbox:
        return DockerSandbox(self.spec(purpose, hidden), client=self.client)


class RecordingRunner:
    """Stores every rollout (patch included) so `/autofix pick` can publish any candidate."""

    def __init__(self, inner: RolloutRunner, store: RunStorePort, run_id: int) -> None:
        self.inner, self.store, self.run_id = inner, store, run_id

    async def run(self, request: RolloutRequest, issue: Issue, events: EventSink) -> Rollout:
        rollout = await self.inner.run(request, issue, events)
        await self.store.record_rollout(self.run_id, rollout)
        return rollout


def refinement_issue(issue: Issue, feedback: str | None, previous: RunResult | None) -> Issue:
    """The issue plus the maintainer's feedback and the previous winner's approach."""
    extra: list[str] = []
    if previous is not None and previous.summary is not None:
        extra.append(f"The previous attempt's approach: {previous.summary.approach}")
    if feedback:
        extra.append(f"Maintainer feedback on the previous attempt (address it):\n{feedback}")
    return issue.model_copy(update={"comments": (*issue.comments, *extra)}) if extra else issue


class EngineExecutor:
    """The worker's Executor: one clone and one engine per run."""

    def __init__(
        self,
        settings: Settings,
        store: RunStorePort,
        results: ResultArchive,
        scope_prefix: str,
        docker: Any = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.results = results
        self.scope_prefix = scope_prefix
        self.docker = docker

    async def execute(
        self, run: Run, config: RepoConfig, repo: RepoApi, issue: Issue, tracker: RunTracker
    ) -> RunResult:
        run_dir = (self.settings.work_dir / "runs" / str(run.id)).resolve()
        checkout = run_dir / "repo"
        await asyncio.to_thread(shutil.rmtree, checkout, True)
        run_dir.mkdir(parents=True, exist_ok=True)
        try:
            commit = await self._clone(repo, checkout)
            files = await asyncio.to_thread(RepoFiles.from_git, checkout, commit)
            config = resolve_defaults(config, files, CONFIG_PATH)
            if run.parent_run_id is not None and (run.feedback or run.trigger == "refine"):
                previous = await self.results.load(run.parent_run_id)
                issue = refinement_issue(issue, run.feedback, previous)
            job = SolveJob(checkout, commit, config, config.model, run_dir, str(run.id))
            model = make_model(job.model_spec, self.settings)
            try:
                sandboxes = ScopedSandboxes(
                    checkout,
                    commit,
                    image=config.sandbox.image,
                    setup=config.sandbox.setup,
                    holdout=config.tests.holdout,
                    run_id=str(run.id),
                    client=self.docker,
                    command_timeout_s=float(config.tests.timeout_s),
                    scope=run_scope(self.scope_prefix, str(run.id)),
                )
                engine = make_engine(job, model, sandboxes, tracker)
                engine.runner = RecordingRunner(engine.runner, self.store, run.id)
                return await engine.run(issue)
            finally:
                await model.aclose()
        finally:
            await asyncio.to_thread(shutil.rmtree, checkout, True)

    async def _clone(self, repo: RepoApi, checkout: Path) -> str:
        info = await repo.get_repository()
        token = await repo.installation_token()
        git = Git(checkout, token)
        await git.run("clone", "--depth", "1", info.clone_url, str(checkout))
        return (await git.run("rev-parse", "HEAD")).strip()
