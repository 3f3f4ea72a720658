"""After publishing: watch the repository's CI on autofix's head and show what it said."""

from __future__ import annotations

import logging

from app.ci.verdict import CiVerdict
from app.config import RepoConfig
from app.github.models import PullRequestLink
from app.status.ci_report import render_ci
from app.status.render import render_check, render_pr_body
from app.status.tracker import RunTracker
from app.store.records import Run
from app.worker.ci_watch import CiWatcher, RedisNudges
from app.worker.deps import WorkerDeps
from app.worker.ports import RepoApi
from app.worker.publishing import CHECK_NAME
from app.worker.status_writer import StatusWriter
from scaling.result import RunResult

log = logging.getLogger(__name__)


async def watch_ci(
    deps: WorkerDeps,
    repo: RepoApi,
    run: Run,
    config: RepoConfig,
    result: RunResult,
    link: PullRequestLink,
    tracker: RunTracker,
    writer: StatusWriter,
    tries: tuple[str, ...] = (),
) -> CiVerdict | None:
    """The CI verdict on the PR's head (None when `ci.mode` is off), shown as it changes.

    `tries` lists earlier heads of the same pull request and what CI said about them.
    """
    ci = config.ci
    if ci.mode == "off":
        return None
    required = None
    if ci.required_only:
        repository = await repo.get_repository()
        required = await repo.required_checks(repository.default_branch)
    watcher = CiWatcher(
        repo,
        ci,
        deps.github_app_id,
        deps.ci_clock,
        RedisNudges(deps.redis),
        deps.ci_poll_s,
        required=required,
        rerun=repo.rerun_actions_job,
    )

    async def show(verdict: CiVerdict) -> None:
        tracker.ci = render_ci(verdict, ci, tries)
        tracker.touch()
        await writer.flush()

    verdict = await watcher.watch(run.repo, link.head_sha, show)
    await _evidence(deps, repo, run, result, link, render_ci(verdict, ci, tries))
    return verdict


async def _evidence(
    deps: WorkerDeps,
    repo: RepoApi,
    run: Run,
    result: RunResult,
    link: PullRequestLink,
    section: str,
) -> None:
    """The CI section in the PR description and in autofix's check run on the head."""
    body = render_pr_body(run.issue_number, result, run_url=deps.run_url(run.id))
    try:
        await repo.update_pull_body(link.number, f"{body.rstrip()}\n\n## CI\n\n{section}")
    except Exception:  # the status comment has it too; the log says why the body does not
        log.exception("run %s: CI results not added to the PR description", run.id)
    try:
        snapshot = await repo.ci_snapshot(link.head_sha, deps.github_app_id)
        own = [
            c
            for c in snapshot.checks
            if c.app_id == deps.github_app_id and c.name == CHECK_NAME and c.check_run_id
        ]
        if own and own[-1].check_run_id is not None:
            check = render_check(result)
            await repo.update_check_run(
                own[-1].check_run_id,
                title=check.title,
                summary=f"{check.summary}\n\n{section}\n\n{check.text}",
            )
    except Exception:
        log.exception("run %s: CI results not added to the check run", run.id)
