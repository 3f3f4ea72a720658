"""Turning a chosen candidate into the PR, its body and its check run."""

from __future__ import annotations

import logging

from app.github.models import PullRequestLink
from app.github.publish import PublishRequest, publish
from app.status.render import render_check, render_pr_body
from app.status.safe_text import neutralise
from app.store.records import Run
from app.worker.deps import WorkerDeps
from app.worker.ports import RepoApi
from scaling.result import RunResult

log = logging.getLogger(__name__)
CHECK_NAME = "autofix"


async def publish_result(
    deps: WorkerDeps, repo: RepoApi, run: Run, result: RunResult, patch: str, draft: bool
) -> PullRequestLink:
    """Push, open or update the one PR, then record it and attach the gate evidence.

    Raises `BranchMoved` when the branch holds commits autofix would otherwise overwrite.
    """
    issue = await repo.get_issue(run.issue_number)
    request = PublishRequest(
        issue_number=run.issue_number,
        # Anyone may title an issue; the PR title and commit message must not ping or close.
        issue_title=neutralise(issue.title),
        patch=patch,
        body=render_pr_body(run.issue_number, result, run_url=deps.run_url(run.id)),
        draft=draft,
        # Build on the commit the rollouts used: the default branch may have moved since.
        base_sha=result.base_commit,
        rollout_id=result.winner.rollout_id if result.winner else None,
    )
    last = await deps.store.latest_pull_request(run.repo, request.branch)
    if last is not None:
        request = request.model_copy(update={"lease": last.head_sha, "pull_number": last.number})
    link = await publish(repo, request)
    await deps.store.set_pull_request(run.id, link)
    check = render_check(result)
    try:
        await repo.create_check_run(
            link.head_sha,
            CHECK_NAME,
            status="completed",
            conclusion="success" if check.conclusion == "success" else "neutral",
            title=check.title,
            summary=f"{check.summary}\n\n{check.text}",
            external_id=str(run.id),
        )
    except Exception:  # the PR matters more than its check run; the log says why it is missing
        log.exception("run %s: check run failed", run.id)
    return link
