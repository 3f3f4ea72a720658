"""`look_at_ci`: one short look at the checks on autofix's head, and what follows from it.

Looks are queued when autofix pushes a head, when a CI event arrives about it, and as polls
while it has no verdict yet; none of them waits for CI, so no worker slot is held while CI runs.
A look after the verdict (a check re-run later, say after the base branch moved) is acted on
like the first one: the same verdict is never acted on twice.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from app.ci.assess import assess
from app.ci.checks import CiCheck
from app.ci.follow import SLOT, CiFollow
from app.ci.keys import LOOK_JOB, later_job_id, look_job_id, poll_job_id
from app.config import RepoConfig
from app.github.models import PullRequestLink
from app.status.render import render_status
from app.status.tracker import RunTracker
from app.store.records import Run
from app.worker.ci_act import act_on
from app.worker.ci_evidence import show_ci
from app.worker.ci_follow import CiFollows
from app.worker.deps import WorkerDeps, deps_of
from app.worker.ports import RepoApi

log = logging.getLogger(__name__)

MAX_LOOPS = 5
"""Looks in a row while CI events keep arriving during a look."""
MAX_RERUNS = 5
"""Failed checks re-run on one head, to tell flakes from failures."""


async def look_at_ci(ctx: dict[str, Any], repo: str, sha: str, seq: int | None = None) -> str:
    """Look at the checks on `sha` if it is still autofix's head; `seq` marks a poll."""
    deps = deps_of(ctx)
    follows = CiFollows(deps.redis)
    pr = await follows.pr_of(repo, sha)
    if pr is None:
        return "unknown head"
    outcome = "idle"
    for _ in range(MAX_LOOPS):
        async with follows.locked(repo, pr) as held:
            if not held:
                # The look under way looks again when it finishes.
                await follows.mark_dirty(repo, sha)
                return "busy"
            await follows.take_dirty(repo, sha)
            outcome = await _look(deps, follows, repo, pr, sha, seq)
            seq = None
        if not await follows.take_dirty(repo, sha):
            break
    return outcome


async def _look(
    deps: WorkerDeps, follows: CiFollows, repo: str, pr: int, sha: str, seq: int | None
) -> str:
    state = await follows.load(repo, pr)
    if state is None or state.head_sha != sha:
        return "superseded"
    if seq is not None and (seq != state.poll_seq or not state.polling):
        return "stale poll"
    loaded = state  # written back only while it is still the stored record
    wait_s = await follows.wait_before_look(repo, sha, deps.ci_look_gap_s, poll=seq is not None)
    if wait_s:
        # CI events come faster than looks may: one later look reads what they all changed.
        await deps.redis.enqueue_job(
            LOOK_JOB, repo, sha, _job_id=later_job_id(repo, sha), _defer_by=wait_s
        )
        return "later"
    run = await deps.store.get_run(state.run_id)
    config = RepoConfig.model_validate(run.config or {})
    owner, name = run.repo.split("/", 1)
    gh = await deps.repo_for(owner, name, run.installation_id)
    now = deps.ci_clock()
    # The first wait counts against the CI budget; a later one (a check re-run after the
    # verdict, say) has `ci.timeout_s` of its own.
    since = state.reopened_at or now if state.settled else state.head_since
    try:
        snapshot = await gh.ci_snapshot(sha, deps.github_app_id)
    except Exception:  # GitHub hiccups end no watch: the next poll looks again
        log.warning("CI checks of %s could not be read", sha, exc_info=True)
        spent = 0.0 if state.settled else state.spent_s
        if now - since + spent < config.ci.timeout_s:
            await follows.save(await _poll_later(deps, state, seq), over=loaded)
            return "unreadable"
        # Reads that keep failing (the repository left the installation, say) end the watch
        # like a timeout; a later CI event looks again.
        state = await _give_up(deps, follows, gh, run, config, state, now, seq)
        await follows.save(state, over=loaded)
        return "unreadable"
    found = assess(
        snapshot,
        config.ci,
        deps.github_app_id,
        now - since,
        spent_s=0.0 if state.settled else state.spent_s,
        required=frozenset(state.required) if state.required is not None else None,
        pinned=state.required_apps,
        reruns=state.reruns,
        rerun_age_s=None if state.rerun_at is None else now - state.rerun_at,
        # In gate mode a pass marks the pull request ready: a CI that reports later (a
        # commit status, say) gets `ci.appear_s` to say something first.
        hold_pass_s=config.ci.appear_s if config.ci.mode == "gate" and not state.settled else 0.0,
    )
    final = found.final
    if found.rerun:
        # Another app can fail hundreds of checks, and each re-run is a write: a few are
        # re-run, the rest count as failures that were not (and say so).
        room = max(MAX_RERUNS - len(state.reruns), 0)
        started = {
            c.name: await _rerun(gh, c) if i < room else 0 for i, c in enumerate(found.rerun)
        }
        state = state.model_copy(update={"reruns": {**state.reruns, **started}, "rerun_at": now})
        final = not any(started.values())
    if not final:
        if state.settled and state.reopened_at is None:
            state = state.model_copy(update={"reopened_at": now})
        state = await show_ci(deps, gh, run, config, state, found.verdict, now, final=False)
        await follows.save(await _poll_later(deps, state, seq), over=loaded)
        return "pending"
    state = await _settle(follows, state, now, seq)
    state = await show_ci(deps, gh, run, config, state, found.verdict, now, final=True)
    state, pushed = await act_on(deps, gh, run, config, state, found.verdict, now)
    # What was done about it (notes), or the new head waiting for its checks.
    shown = None if pushed else found.verdict
    state = await show_ci(deps, gh, run, config, state, shown, now, final=False)
    await follows.save(state, over=loaded)
    if pushed:
        await look_soon(deps, state)
    return found.verdict.outcome


async def _settle(follows: CiFollows, state: CiFollow, now: float, seq: int | None) -> CiFollow:
    """The head's waiting is over: the poll a look woken by an event found is dropped."""
    if state.polling and seq is None:
        await follows.cancel_poll(state)
    return state.settled_at(now)


async def _give_up(
    deps: WorkerDeps,
    follows: CiFollows,
    gh: RepoApi,
    run: Run,
    config: RepoConfig,
    state: CiFollow,
    now: float,
    seq: int | None,
) -> CiFollow:
    """Stop polling a head whose checks could not be read for all of `ci.timeout_s`."""
    state = await _settle(follows, state, now, seq)
    note = (
        f"The checks on `{state.head_sha[:7]}` could not be read for `ci.timeout_s` "
        f"({config.ci.timeout_s} s): autofix stopped looking; a CI event makes it look again."
    )
    if note not in state.notes:
        state = state.with_note(note)
    return await show_ci(deps, gh, run, config, state, None, now, final=False)


async def _rerun(gh: RepoApi, check: CiCheck) -> int:
    """Re-run one failed check run once; the failed run's id when started, else 0."""
    job = check.check_run_id
    if job is None:
        return 0
    try:
        if check.actions_job:
            started = await gh.rerun_actions_job(job)
        else:
            started = await gh.rerequest_check_run(job)
    except Exception:  # the failure stands as CI reported it
        log.warning("check run %s could not be re-run", job, exc_info=True)
        return 0
    return job if started else 0


async def _poll_later(deps: WorkerDeps, state: CiFollow, seq: int | None) -> CiFollow:
    """Queue the next poll unless one is queued already (only the current poll queues the
    next one; a look woken by an event leaves the poll it found)."""
    if state.polling and seq is None:
        return state
    next_seq = state.poll_seq + 1
    await deps.redis.enqueue_job(
        LOOK_JOB,
        state.repo,
        state.head_sha,
        next_seq,
        _job_id=poll_job_id(state.repo, state.head_sha, next_seq),
        _defer_by=deps.ci_poll_s,
    )
    return state.model_copy(update={"poll_seq": next_seq, "polling": True})


async def look_soon(deps: WorkerDeps, state: CiFollow) -> None:
    """Queue a look at the head of `state` now (a new head: CI may have reported already)."""
    await deps.redis.enqueue_job(
        LOOK_JOB, state.repo, state.head_sha, _job_id=look_job_id(state.repo, state.head_sha)
    )


async def follow_pr(
    deps: WorkerDeps,
    gh: RepoApi,
    run: Run,
    config: RepoConfig,
    tracker: RunTracker,
    link: PullRequestLink,
) -> None:
    """Hand the pull request's CI over to look jobs (after the run has finished)."""
    if config.ci.mode == "off":
        return
    required, pinned = None, {}
    if config.ci.required_only:
        repository = await gh.get_repository()
        found = await gh.required_checks(repository.default_branch)
        required = tuple(sorted(found)) if found is not None else None
        pinned = {name: app for name, app in (found or {}).items() if app is not None}
    shell = dataclasses.replace(tracker, outcome="", ci=SLOT)
    state = CiFollow(
        repo=run.repo,
        run_id=run.id,
        pr=link.number,
        url=link.url,
        branch=link.branch,
        head_sha=link.head_sha,
        rollout_id=link.rollout_id,
        head_since=deps.ci_clock(),
        required=required,
        required_apps=pinned,
        tried=(link.rollout_id,) if link.rollout_id else (),
        outcome=tracker.outcome,
        comment=render_status(shell),
    )
    await CiFollows(deps.redis).save(state)
    await look_soon(deps, state)


def waiting_note(config: RepoConfig, link: PullRequestLink) -> str:
    """The status comment's CI line until the first look."""
    return f"**CI** ({config.ci.mode}): waiting for checks on `{link.head_sha[:7]}`."
