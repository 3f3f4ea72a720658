"""Links from what autofix writes on GitHub to the run's page on the dashboard."""

from __future__ import annotations


def run_page_url(public_url: str | None, run_id: int) -> str | None:
    """`{public_url}/runs/{id}`, or None when the deployment has no public address."""
    if not public_url:
        return None
    return f"{public_url.rstrip('/')}/runs/{run_id}"
