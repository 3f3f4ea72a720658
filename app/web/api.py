"""The JSON API: the same runs, the same access rules as the pages."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from app.web.access import Admit
from app.web.auth.viewer import Viewer
from app.web.dashboard import Dashboard
from app.web.pages import status_filter
from app.web.runs import RunSummary, list_page


def build_api(dashboard: Dashboard) -> APIRouter:
    router = APIRouter(prefix="/api")
    admit = Depends(Admit(dashboard.gate))

    @router.get("/runs")
    async def runs(
        viewer: Viewer = admit,
        repo: Annotated[str | None, Query(max_length=200)] = None,
        status: Annotated[str | None, Query(max_length=20)] = None,
        before: Annotated[int | None, Query(ge=1)] = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
    ) -> dict[str, Any]:
        listing = await list_page(
            dashboard.reader, viewer.visible(repo or None), status_filter(status), before, limit
        )
        return {
            "runs": [run.model_dump(mode="json") for run in listing.runs],
            "older": listing.older,
        }

    @router.get("/runs/{run_id}")
    async def run(run_id: int, viewer: Viewer = admit) -> dict[str, Any]:
        found = await dashboard.visible_run(viewer, run_id)
        result = await dashboard.reader.get_result(run_id)
        body: dict[str, Any] = RunSummary.of(found).model_dump(mode="json")
        body["result"] = None if result is None else result.model_dump(mode="json")
        ci = await dashboard.ci_of(found)
        body["ci"] = None if ci is None else ci.model_dump(mode="json")
        return body

    return router
