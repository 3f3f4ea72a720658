"""Acting on a final CI verdict about autofix's head.

Passed (or no CI): in `gate` mode with `pr.draft: false` the draft becomes ready for review.
Failed: in `gate` mode the next candidate that earned it replaces the head of the same pull
request; when none is left (or in `evidence` mode) the second chance starts a refinement with
what CI said. Someone else's commit on the pull request stops every automatic push.
"""

from __future__ import annotations

import logging

from app.ci.follow import CiFollow
from app.ci.verdict import CiVerdict
from app.config import RepoConfig
from app.github.branch import BranchMoved
from app.github.models import PullRequestLink
from app.status.ci_report import names_of
from app.store.records import Run
from app.worker.ci_fix import second_chance
from app.worker.deps import WorkerDeps
from app.worker.ports import RepoApi
from app.worker.publishing import publish_result
from scaling.result import CandidateRecord, RunResult, Winner

log = logging.getLogger(__name__)

MAX_TRIES = 4
"""Heads CI is asked about per run in gate mode: the winner and up to three more."""


def next_candidates(result: RunResult) -> list[CandidateRecord]:
    """Candidates after the winner, in tournament order (latest round first), that passed
    their gate and did not fail the holdout."""
    by_id = {c.id: c for c in result.candidates}
    order = [cid for ranked in reversed(result.tournament_order) for cid in ranked]
    order += [c.id for c in result.candidates if c.id not in order]
    winner = result.winner.rollout_id if result.winner else None
    found = []
    for cid in order:
        candidate = by_id.get(cid)
        if candidate is None or winner in candidate.rollout_ids:
            continue
        if candidate.gate == "passed" and candidate.holdout in ("passed", "not_run"):
            found.append(candidate)
    return found


def as_winner(result: RunResult, rollout_id: str, round_: int, patch: str) -> RunResult:
    """`result` as if `rollout_id` had won: its patch and its summary on the pull request."""
    summary = next((s for s in result.summaries if s.rollout_id == rollout_id), None)
    return result.model_copy(
        update={
            "winner": Winner(rollout_id=rollout_id, round=round_),
            "summary": summary,
            "patch": patch,
        }
    )


def verdict_key(verdict: CiVerdict) -> str:
    failing = ",".join(sorted(c.name for c in verdict.failing))
    return f"{verdict.sha}:{verdict.outcome}:{failing}"


def tried(candidate: str | None, verdict: CiVerdict) -> str:
    if verdict.outcome != "failed":
        return f"`{candidate}`: {verdict.outcome.replace('_', ' ')}"
    failing = names_of(c.name for c in verdict.failing)
    return f"`{candidate}`: CI failed ({failing})"


async def act_on(
    deps: WorkerDeps,
    gh: RepoApi,
    run: Run,
    config: RepoConfig,
    state: CiFollow,
    verdict: CiVerdict,
    now: float,
) -> tuple[CiFollow, bool]:
    """What to do about `verdict`; the new state, and True when a new head was pushed."""
    key = verdict_key(verdict)
    if key == state.acted or state.stopped:
        return state, False
    state = state.model_copy(update={"acted": key})
    if verdict.outcome in ("passed", "no_ci"):
        if state.tries:
            state = state.with_note(
                f"`{state.rollout_id}` replaced the head of {state.url} after CI failed."
            )
        if config.ci.mode == "gate" and not config.pr.draft:
            state = state.with_note(await _ready(gh, state))
        return state, False
    if verdict.outcome != "failed":
        return state, False
    pr = await gh.find_pull_request(state.branch, number=state.pr)
    if pr is None or pr.head_sha != state.head_sha:
        if pr is None:
            note = "CI failed, but the pull request is no longer open: nothing is retried."
        else:
            note = (
                "CI failed, but the pull request's head is no longer autofix's: nothing is retried."
            )
        return state.model_copy(update={"stopped": True}).with_note(note), False
    if config.ci.mode == "gate":
        state, pushed = await _next_candidate(deps, gh, run, state, verdict, now)
        if pushed or state.stopped:
            return state, pushed
    link = PullRequestLink(
        number=state.pr,
        url=state.url,
        branch=state.branch,
        head_sha=state.head_sha,
        rollout_id=state.rollout_id,
    )
    return state.with_note(await second_chance(deps, gh, run, config, verdict, link)), False


async def _ready(gh: RepoApi, state: CiFollow) -> str:
    try:
        if await gh.mark_ready_for_review(state.pr):
            return "CI passed: the pull request is ready for review (`pr.draft: false`)."
    except Exception:
        log.warning("%s#%s not marked ready for review", state.repo, state.pr, exc_info=True)
    return "CI passed, but GitHub did not let autofix mark the pull request ready for review."


async def _next_candidate(
    deps: WorkerDeps, gh: RepoApi, run: Run, state: CiFollow, verdict: CiVerdict, now: float
) -> tuple[CiFollow, bool]:
    """Push the next candidate to the same pull request (gate mode)."""
    tries = (*state.tries, tried(state.rollout_id, verdict))
    state = state.model_copy(update={"tries": tries})
    result = await deps.store.get_result(run.id)
    left = [] if result is None else next_candidates(result)
    left = [c for c in left if c.rollout_ids[0] not in state.tried]
    if len(state.tried) < MAX_TRIES and result is not None:
        for candidate in left:
            rollout_id = candidate.rollout_ids[0]
            patch = await deps.store.get_patch(run.id, rollout_id)
            if not patch:
                continue
            picked = as_winner(result, rollout_id, candidate.round, patch)
            try:
                # The lease is autofix's own last head: a maintainer's commit stops the tries.
                link = await publish_result(deps, gh, run, picked, patch, draft=True)
            except BranchMoved as exc:
                note = f"CI failed and no other candidate was pushed: {exc}"
                return state.model_copy(update={"stopped": True}).with_note(note), False
            note = f"CI failed on `{state.rollout_id}`; trying `{rollout_id}` in {link.url}."
            moved = state.model_copy(
                update={
                    "head_sha": link.head_sha,
                    "rollout_id": rollout_id,
                    "tried": (*state.tried, rollout_id),
                    "head_since": now,
                    "settled": False,
                    "polling": False,
                    "reruns": {},
                    "rerun_at": None,
                    "acted": "",
                }
            )
            return moved.with_note(note), True
    said = (
        "CI failed on every candidate that passed autofix's own checks "
        f"({', '.join(tries)}); the pull request stays a draft."
    )
    return state.with_note(said), False
