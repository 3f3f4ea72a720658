"""Showing what CI said: the status comment's CI section as it changes, and once a verdict is
in, the PR description's CI section and autofix's check run on the head."""

from __future__ import annotations

import logging

from app.ci.follow import SLOT, CiFollow
from app.ci.verdict import CiVerdict
from app.config import RepoConfig
from app.status.ci_report import budget_line, names_of, render_ci
from app.status.render import render_check, render_pr_body
from app.store.records import Run
from app.worker.ci_act import as_winner
from app.worker.deps import WorkerDeps
from app.worker.ports import RepoApi
from app.worker.publishing import CHECK_NAME
from scaling.result import RunResult

log = logging.getLogger(__name__)


def ci_section(
    config: RepoConfig, state: CiFollow, verdict: CiVerdict | None, now: float
) -> tuple[str, str]:
    """The status comment's section (outcome, notes, CI, budget) and the CI part alone."""
    ci = config.ci
    budget = budget_line(state.spent_at(now), ci.timeout_s)
    if verdict is None and state.settled:
        report = ""  # the notes say why there is no verdict, and that nothing waits
    elif verdict is None:
        report = f"**CI** ({ci.mode}): waiting for checks on `{state.head_sha[:7]}`."
    else:
        report = render_ci(verdict, ci, state.tries)
    parts = [state.outcome, *state.notes, report, _not_rerun(state, verdict), budget]
    return "\n\n".join(p.strip() for p in parts if p.strip()), report


def _not_rerun(state: CiFollow, verdict: CiVerdict | None) -> str:
    """Failures autofix could not re-run, so it cannot tell whether they were flakes."""
    if verdict is None:
        return ""
    names = [c.name for c in verdict.failing if c.kind == "status" or state.reruns.get(c.name) == 0]
    if not names:
        return ""
    listed = names_of(sorted(set(names)))
    return (
        f"Not re-run, so a flake cannot be told from a failure: {listed} (commit statuses "
        "cannot be re-run, and GitHub lets only the app that made a check re-request it)."
    )


async def show_ci(
    deps: WorkerDeps,
    gh: RepoApi,
    run: Run,
    config: RepoConfig,
    state: CiFollow,
    verdict: CiVerdict | None,
    now: float,
    *,
    final: bool,
) -> CiFollow:
    """Update what maintainers see when it changed; the state with the section shown."""
    section, report = ci_section(config, state, verdict, now)
    if section != state.section:
        try:
            await gh.upsert_status_comment(
                run.issue_number,
                str(run.id),
                state.comment.replace(SLOT, section),
                comment_id=run.status_comment_id,
            )
        except Exception:  # shown on the next change; the log says why not now
            log.warning("run %s: CI results not shown in the status comment", run.id, exc_info=True)
            return state
        state = state.showing(section, verdict)
    if final:
        await _evidence(deps, gh, run, state, report)
    return state


async def _evidence(deps: WorkerDeps, gh: RepoApi, run: Run, state: CiFollow, report: str) -> None:
    """The CI section in the PR description and in autofix's check run on the head."""
    result = await _shown_result(deps, run, state)
    if result is None:
        return
    body = render_pr_body(run.issue_number, result, run_url=deps.run_url(run.id))
    try:
        await gh.update_pull_body(state.pr, f"{body.rstrip()}\n\n## CI\n\n{report}")
    except Exception:  # the status comment has it too; the log says why the body does not
        log.exception("run %s: CI results not added to the PR description", run.id)
    try:
        snapshot = await gh.ci_snapshot(state.head_sha, deps.github_app_id)
        own = [
            c
            for c in snapshot.checks
            if c.app_id == deps.github_app_id and c.name == CHECK_NAME and c.check_run_id
        ]
        if own and own[-1].check_run_id is not None:
            check = render_check(result)
            await gh.update_check_run(
                own[-1].check_run_id,
                title=check.title,
                summary=f"{check.summary}\n\n{report}\n\n{check.text}",
            )
    except Exception:
        log.exception("run %s: CI results not added to the check run", run.id)


async def _shown_result(deps: WorkerDeps, run: Run, state: CiFollow) -> RunResult | None:
    """The run's result as the pull request shows it: with the candidate now on its head."""
    result = await deps.store.get_result(run.id)
    if result is None or result.winner is None or state.rollout_id is None:
        return result
    if result.winner.rollout_id == state.rollout_id:
        return result
    patch = await deps.store.get_patch(run.id, state.rollout_id)
    found = next((c for c in result.candidates if state.rollout_id in c.rollout_ids), None)
    return as_winner(result, state.rollout_id, found.round if found else 0, patch or "")
