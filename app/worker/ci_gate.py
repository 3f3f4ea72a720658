"""`ci.mode: gate`: while CI fails on the PR's head, the next candidate that earned it replaces
the head of the same pull request, which stays a draft until CI passes."""

from __future__ import annotations

from app.ci.verdict import CiVerdict
from app.config import RepoConfig
from app.github.branch import BranchMoved
from app.github.models import PullRequestLink
from app.status.ci_report import name_of
from app.status.tracker import RunTracker
from app.store.records import Run
from app.worker.ci_evidence import watch_ci
from app.worker.deps import WorkerDeps
from app.worker.ports import RepoApi
from app.worker.publishing import publish_result
from app.worker.status_writer import StatusWriter
from scaling.result import CandidateRecord, RunResult, Winner

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


def _tried(candidate: str, verdict: CiVerdict | None) -> str:
    if verdict is None or verdict.outcome != "failed":
        return f"`{candidate}`: {verdict.outcome.replace('_', ' ') if verdict else 'not watched'}"
    failing = ", ".join(f"`{name_of(c.name, 80)}`" for c in verdict.failing)
    return f"`{candidate}`: CI failed ({failing})"


async def gate_on_ci(
    deps: WorkerDeps,
    repo: RepoApi,
    run: Run,
    config: RepoConfig,
    result: RunResult,
    link: PullRequestLink,
    tracker: RunTracker,
    writer: StatusWriter,
) -> tuple[CiVerdict | None, str, PullRequestLink]:
    """Watch CI on the PR; in gate mode try further candidates while it fails.

    Returns the last verdict, a sentence for the status comment's outcome ("" if none) and
    the pull request as it was last pushed.
    """
    verdict = await watch_ci(deps, repo, run, config, result, link, tracker, writer)
    if config.ci.mode != "gate" or verdict is None or verdict.outcome != "failed":
        return verdict, "", link
    current = result.winner.rollout_id if result.winner else "?"
    tries = [_tried(current, verdict)]
    for candidate in next_candidates(result)[: MAX_TRIES - 1]:
        rollout_id = candidate.rollout_ids[0]
        patch = await deps.store.get_patch(run.id, rollout_id)
        if not patch:
            continue
        summary = next((s for s in result.summaries if s.rollout_id == rollout_id), None)
        picked = result.model_copy(
            update={
                "winner": Winner(rollout_id=rollout_id, round=candidate.round),
                "summary": summary,
                "patch": patch,
            }
        )
        try:
            # The lease is autofix's own last head: a maintainer's commit stops the tries.
            link = await publish_result(deps, repo, run, picked, patch, draft=True)
        except BranchMoved as exc:
            return verdict, f"CI failed and no other candidate was pushed: {exc}", link
        tracker.outcome = f"CI failed on `{current}`; trying `{rollout_id}` in {link.url}."
        current = rollout_id
        verdict = await watch_ci(
            deps, repo, run, config, picked, link, tracker, writer, tries=tuple(tries)
        )
        if verdict is None or verdict.outcome != "failed":
            said = f"`{rollout_id}` replaced the head of {link.url} after CI failed."
            return verdict, said, link
        tries.append(_tried(rollout_id, verdict))
    said = (
        "CI failed on every candidate that passed autofix's own checks "
        f"({', '.join(tries)}); the pull request stays a draft."
    )
    return verdict, said, link
