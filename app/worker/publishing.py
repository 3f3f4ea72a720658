"""Turning a chosen candidate into the PR, its body and its check run."""

from __future__ import annotations

import logging

from app.status.render import render_check, render_pr_body
from app.store.records import PullRequestLink, Run
from app.worker.deps import WorkerDeps
from app.worker.ports import RepoApi
from scaling.result import RunResult

log = logging.getLogger(__name__)
CHECK_NAME = "autofix"


async def publish_result(
    deps: WorkerDeps, repo: RepoApi, run: Run, result: RunResult, patch: str, draft: bool
) -> PullRequestLink:
    """Push, open or update the one PR, then record it and attach the gate evidence."""
    issue = await repo.get_issue(run.issue_number)
    body = render_pr_body(run.issue_number, result, run_url=deps.run_url(run.id))
    link = await deps.publisher.publish(
        run, repo, patch, issue.title, body, draft, base_sha=result.base_commit
    )
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
