"""Turning a chosen candidate into the PR, its body and its check run."""

from __future__ import annotations

import logging

from app.config import RepoConfig
from app.status.render import render_check, render_notice, render_pr_body
from app.store.records import PullRequestLink, Run
from app.worker.deps import WorkerDeps
from app.worker.notices import notify_once
from app.worker.ports import RepoApi
from app.worker.trigger import Trigger
from scaling.result import RunResult, Winner

log = logging.getLogger(__name__)
CHECK_NAME = "autofix"


async def publish_result(
    deps: WorkerDeps, repo: RepoApi, run: Run, result: RunResult, patch: str, draft: bool
) -> PullRequestLink:
    """Push, open or update the one PR, then record it and attach the gate evidence."""
    issue = await repo.get_issue(run.issue_number)
    body = render_pr_body(run.issue_number, result)
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


async def publish_candidate(
    deps: WorkerDeps,
    repo: RepoApi,
    trigger: Trigger,
    run: Run,
    result: RunResult,
    number: int,
    config: RepoConfig,
) -> str:
    """`/autofix pick n`: put candidate n on the PR if it passed its gate."""
    if not 1 <= number <= len(result.candidates):
        what = f"There is no candidate {number}; `/autofix candidates` lists them."
        await notify_once(deps, repo, trigger, render_notice("idle", what=what))
        return "ignored"
    candidate = result.candidates[number - 1]
    if candidate.gate != "passed":
        what = (
            f"Candidate {number} did not pass its test gate ({candidate.gate}), "
            "so it cannot be picked."
        )
        await notify_once(deps, repo, trigger, render_notice("idle", what=what))
        return "ignored"
    rollout_id = candidate.rollout_ids[0]
    patch = await deps.store.get_patch(run.id, rollout_id)
    if not patch:
        what = f"The patch of candidate {number} is no longer stored; comment `/autofix retry`."
        await notify_once(deps, repo, trigger, render_notice("idle", what=what))
        return "ignored"
    summary = next((s for s in result.summaries if s.rollout_id == rollout_id), None)
    picked = result.model_copy(
        update={
            "winner": Winner(rollout_id=rollout_id, round=candidate.round),
            "summary": summary,
            "patch": patch,
        }
    )
    link = await publish_result(deps, repo, run, picked, patch, config.pr.draft)
    what = f"Switched {link.url} to candidate {number} (`{candidate.id}`)."
    await notify_once(deps, repo, trigger, render_notice("idle", what=what))
    return "picked"
