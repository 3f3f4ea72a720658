"""Runs the engine for one run: a fresh clone, scoped sandboxes, rollouts recorded."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

from app.config import CONFIG_PATH, RepoConfig, RepoFiles, resolve_defaults
from app.config.policy import apply_policy
from app.engine import EngineJob, make_model, make_sandboxes, run_engine
from app.environment import setup_options
from app.github.branch import read_branch
from app.github.git import Git
from app.github.publish import AUTHOR_EMAIL, branch_of
from app.settings import Settings
from app.status.tracker import RunTracker
from app.store.records import Run
from app.telemetry.run_metrics import RunMetrics
from app.worker.adapters import run_scope
from app.worker.ports import RepoApi
from app.worker.store_port import RunStorePort
from scaling.issue import Issue
from scaling.result import RunResult
from scaling.rollout import Rollout
from scaling.summary import RolloutSummary


async def refinement_seeds(store: RunStorePort, run: Run) -> tuple[RolloutSummary, ...]:
    """What a refinement starts from: the summary of the winner its parent run published."""
    if run.parent_run_id is None or run.trigger not in ("refine", "review"):
        return ()
    previous = await store.get_result(run.parent_run_id)
    if previous is None or previous.summary is None:
        return ()
    return (previous.summary,)


class EngineExecutor:
    """The worker's Executor: one clone and one engine per run."""

    def __init__(
        self,
        settings: Settings,
        store: RunStorePort,
        scope_prefix: str,
        docker: Any = None,
        metrics: RunMetrics | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.scope_prefix = scope_prefix
        self.docker = docker
        self.metrics = metrics

    async def execute(
        self, run: Run, config: RepoConfig, repo: RepoApi, issue: Issue, tracker: RunTracker
    ) -> RunResult:
        run_dir = (self.settings.work_dir / "runs" / str(run.id)).resolve()
        checkout = run_dir / "repo"
        await asyncio.to_thread(shutil.rmtree, checkout, True)
        run_dir.mkdir(parents=True, exist_ok=True)
        try:
            commit = await self._clone(repo, run, checkout)
            files = await asyncio.to_thread(RepoFiles.from_git, checkout, commit)
            # Checked again here: a run queued before the operator narrowed the policy must not
            # reach an endpoint the policy no longer allows.
            config = apply_policy(config, self.settings.policy(), CONFIG_PATH, run.repo)
            config = resolve_defaults(config, files, CONFIG_PATH)
            config = config.with_default_image(self.settings.sandbox_image)
            seeds = await refinement_seeds(self.store, run)
            scope = run_scope(self.scope_prefix, str(run.id))
            job = EngineJob(
                checkout,
                commit,
                config,
                config.model,
                run_dir,
                str(run.id),
                scope,
                max_patch_bytes=self.settings.max_patch_bytes,
            )
            options = await asyncio.to_thread(
                setup_options, config, self.settings, self.docker, service=True, repository=run.repo
            )
            model = make_model(job.model_spec, self.settings, config.prices)

            async def record(rollout: Rollout) -> None:
                # Every rollout is kept (patch included) so `/autofix pick` can publish any.
                if self.metrics is not None:
                    self.metrics.rollout_done(rollout)
                await self.store.record_rollout(run.id, rollout)

            observer = self.metrics.sandboxes if self.metrics is not None else None
            try:
                return await run_engine(
                    job,
                    issue,
                    tracker,
                    model=model,
                    sandboxes=make_sandboxes(job, self.docker, options, observer),
                    on_rollout=record,
                    seeds=seeds,
                    feedback=run.feedback,
                )
            finally:
                await model.aclose()
        finally:
            await asyncio.to_thread(shutil.rmtree, checkout, True)

    async def _clone(self, repo: RepoApi, run: Run, checkout: Path) -> str:
        """The default branch's head; a refinement of a PR that maintainers pushed commits to
        starts from the PR's head instead, so publishing adds to their commits."""
        info = await repo.get_repository()
        token = await repo.installation_token()
        git = Git(checkout, token)
        await git.run("clone", "--depth", "1", info.clone_url, str(checkout))
        if run.trigger in ("refine", "review"):
            branch = branch_of(run.issue_number)
            state = await read_branch(git, info.default_branch, branch, AUTHOR_EMAIL)
            if state.head is not None and state.foreign != ():
                await git.run("checkout", "--quiet", "--detach", "FETCH_HEAD")
        return (await git.run("rev-parse", "HEAD")).strip()
