"""The status comment and the PR body point at the run's page when the deployment has one."""

from __future__ import annotations

from app.status.links import run_page_url
from app.status.render import render_pr_body, render_status
from app.status.tracker import RunTracker
from tests.web.samples import finished_result


def test_status_comment_links_the_run_page_only_with_a_public_url() -> None:
    url = run_page_url("https://autofix.example.org/", 42)
    assert url == "https://autofix.example.org/runs/42"
    linked = render_status(RunTracker(phase="running", run_url=url))
    assert "(https://autofix.example.org/runs/42)" in linked
    assert "/runs/" not in render_status(RunTracker(phase="running"))
    assert run_page_url(None, 42) is None and run_page_url("", 42) is None


def test_pr_body_links_the_run_page_only_with_a_public_url() -> None:
    result = finished_result(4, 1)
    linked = render_pr_body(7, result, run_url="https://autofix.example.org/runs/3")
    assert "(https://autofix.example.org/runs/3)" in linked and "Closes #7" in linked
    assert "/runs/" not in render_pr_body(7, result)
