"""The read-only runs page."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from app.status.templates import render


class RunRow(BaseModel):
    """One run as the dashboard lists it."""

    model_config = ConfigDict(frozen=True)

    id: str
    repo: str
    issue: int
    status: str
    created: str = ""
    pr_url: str | None = None
    cost_usd: float = 0.0


def render_dashboard(rows: Sequence[RunRow]) -> str:
    """The HTML page listing recent runs, newest first."""
    return render("dashboard.html.jinja", rows=list(rows))
