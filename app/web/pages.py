"""The dashboard's HTML pages: the runs list, a run, and a rollout's trajectory."""

from __future__ import annotations

from typing import Annotated, cast, get_args

from fastapi import APIRouter, Depends, Query
from fastapi import Path as PathParam
from starlette.responses import HTMLResponse

from app.store.records import Run, RunStatus
from app.web.access import Admit
from app.web.auth.viewer import Viewer
from app.web.dashboard import Dashboard, NoSuchRun
from app.web.html import page
from app.web.runs import list_page
from app.web.views.run_page import run_view
from app.web.views.trajectory import cut, rollout_view

STATUSES: tuple[str, ...] = get_args(RunStatus)
# A patch is shown whole up to this size (autofix caps patches at 1 MiB by default).
PATCH_CHARS = 200_000


def status_filter(status: str | None) -> RunStatus | None:
    """A known status, or None (show all) for anything else."""
    return cast("RunStatus", status) if status in STATUSES else None


def build_pages(dashboard: Dashboard) -> APIRouter:
    router = APIRouter()
    admit = Depends(Admit(dashboard.gate))

    @router.get("/", response_class=HTMLResponse)
    async def runs(
        viewer: Viewer = admit,
        repo: Annotated[str | None, Query(max_length=200)] = None,
        status: Annotated[str | None, Query(max_length=20)] = None,
        before: Annotated[int | None, Query(ge=1)] = None,
    ) -> HTMLResponse:
        chosen = status_filter(status)
        listing = await list_page(dashboard.reader, viewer.visible(repo or None), chosen, before)
        return page(
            "runs.html.jinja",
            viewer=viewer,
            listing=listing,
            repo=repo or "",
            status=chosen or "",
            statuses=STATUSES,
            repos=sorted(viewer.repos) if viewer.repos is not None else None,
            web_url=dashboard.web_url,
        )

    @router.get("/runs/{run_id}", response_class=HTMLResponse)
    async def run(run_id: int, viewer: Viewer = admit) -> HTMLResponse:
        found = await dashboard.visible_run(viewer, run_id)
        result = await dashboard.reader.get_result(run_id)
        view = run_view(found, result, dashboard.web_url)
        progress = await dashboard.progress(found)
        ci = await dashboard.ci_of(found)
        return page("run.html.jinja", viewer=viewer, view=view, progress=progress, ci=ci)

    @router.get("/runs/{run_id}/rollouts/{rollout_id}", response_class=HTMLResponse)
    async def rollout(
        run_id: int,
        rollout_id: Annotated[str, PathParam(max_length=100)],
        viewer: Viewer = admit,
    ) -> HTMLResponse:
        found = await dashboard.visible_run(viewer, run_id)
        result = await dashboard.reader.get_result(run_id)
        record = next((r for r in result.rollouts if r.id == rollout_id), None) if result else None
        summary = None
        if result is not None and record is not None:
            key = record.candidate or record.id
            summary = next((s for s in result.summaries if s.rollout_id in (record.id, key)), None)
        elif not await _is_live_rollout(dashboard, found, rollout_id):
            raise NoSuchRun(run_id)
        view = rollout_view(
            run_id, found.repo, rollout_id, record, summary, dashboard.trajectories(run_id)
        )
        patch, cut_chars = cut(
            await dashboard.reader.get_patch(run_id, rollout_id) or "", PATCH_CHARS
        )
        return page(
            "rollout.html.jinja", viewer=viewer, view=view, patch=patch, patch_cut=cut_chars
        )

    return router


async def _is_live_rollout(dashboard: Dashboard, run: Run, rollout_id: str) -> bool:
    """A rollout the running run has started (its trajectory grows while the page is open)."""
    progress = await dashboard.progress(run)
    return progress is not None and any(r.id == rollout_id for r in progress.rollouts)
