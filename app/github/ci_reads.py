"""Reads of a commit's CI: check runs and suites of other apps, commit statuses, annotations
and the tails of GitHub Actions job logs. Parsed leniently: CI apps fill fields unevenly."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from githubkit.exception import RequestFailed

from app.ci.checks import CiCheck, CiSnapshot, run_state, status_state
from app.github.convert import fit
from app.github.errors import error_message, http_status
from app.github.pr_text import merge_body
from app.github.reads import RepoReads

log = logging.getLogger(__name__)
T = TypeVar("T")

_PAGE = 100
_MAX_PAGES = 10
_LOG_READ_BYTES = 16 * 2**20
"""At most this much of a job's log is downloaded to find its tail."""


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _check_run(run: dict[str, Any]) -> CiCheck | None:
    name = _text(run.get("name"))
    if name is None:
        return None
    found = run.get("app")
    app: dict[str, Any] = found if isinstance(found, dict) else {}
    app_id = app.get("id") if isinstance(app.get("id"), int) else None
    run_id = run.get("id") if isinstance(run.get("id"), int) else None
    return CiCheck(
        kind="check_run",
        name=name[:200],
        state=run_state(_text(run.get("status")), _text(run.get("conclusion"))),
        conclusion=_text(run.get("conclusion")),
        url=_text(run.get("html_url")) or _text(run.get("details_url")),
        app_id=app_id,
        check_run_id=run_id,
        actions_job=app.get("slug") == "github-actions",
        output=_output(run.get("output")),
    )


def _output(found: Any, limit: int = 4000) -> str:
    if not isinstance(found, dict):
        return ""
    parts = [_text(found.get(k)) for k in ("title", "summary", "text")]
    text = "\n".join(p for p in parts if p)
    # The end of a test run's output is where its failures are.
    return text if len(text) <= limit else "…" + text[-limit:]


def _waiting(suite: dict[str, Any], own_app_id: int) -> bool:
    """Whether `suite` is another app's, queued or running, with no check run yet."""
    app = suite.get("app")
    return (
        isinstance(app, dict)
        and app.get("id") != own_app_id
        and suite.get("status") in ("queued", "in_progress", "requested", "waiting", "pending")
        and not suite.get("latest_check_runs_count")
    )


def _status(status: dict[str, Any]) -> CiCheck | None:
    name = _text(status.get("context"))
    if name is None:
        return None
    state = _text(status.get("state"))
    return CiCheck(
        kind="status",
        name=name[:200],
        state=status_state(state),
        conclusion=state if state != "pending" else None,
        url=_text(status.get("target_url")),
    )


class RepoCiReads(RepoReads):
    """CI reads of `GitHubRepo`, and the one write that shows them in the PR description."""

    async def _get(self, path: str, **params: Any) -> Any:
        response = await self._gh.arequest(
            "GET", f"/repos/{self.owner}/{self.name}/{path}", params=params
        )
        return response.json()

    async def _pages(
        self, path: str, key: str, read: Callable[[dict[str, Any]], T | None]
    ) -> tuple[list[T], int]:
        """Up to `_MAX_PAGES` pages of a list, each item `read` as its page arrives (so a page
        of giant outputs is dropped before the next); the items, and how many more GitHub
        says exist."""
        found: list[T] = []
        total = seen = 0
        for page in range(1, _MAX_PAGES + 1):
            data = await self._get(path, per_page=_PAGE, page=page)
            items = data.get(key) if isinstance(data, dict) else None
            if not isinstance(items, list):
                break
            count = data.get("total_count")
            total = max(total, count if isinstance(count, int) else 0)
            seen += len(items)
            found.extend(r for r in (read(i) for i in items if isinstance(i, dict)) if r)
            del data, items
            if seen == 0 or seen >= total:
                break
        return found, max(total - seen, 0)

    async def ci_snapshot(self, sha: str, own_app_id: int) -> CiSnapshot:
        """Every check run, unfinished suite and latest commit status on `sha`, and how many
        GitHub lists beyond what is read (another app can post thousands)."""
        runs, runs_unread = await self._pages(f"commits/{sha}/check-runs", "check_runs", _check_run)
        # A suite another app queued but that has no run yet means CI is coming.
        waiting, suites_unread = await self._pages(
            f"commits/{sha}/check-suites", "check_suites", lambda s: _waiting(s, own_app_id)
        )
        statuses, statuses_unread = await self._pages(f"commits/{sha}/status", "statuses", _status)
        unread = runs_unread + suites_unread + statuses_unread
        return CiSnapshot(
            sha=sha, checks=(*runs, *statuses), suites_pending=len(waiting), unread=unread
        )

    async def check_run_annotations(self, check_run_id: int, limit: int = 50) -> list[str]:
        """A check run's annotations as `path:line: level: message` lines."""
        data = await self._get(f"check-runs/{check_run_id}/annotations", per_page=min(limit, _PAGE))
        lines = []
        for item in data if isinstance(data, list) else []:
            if not isinstance(item, dict):
                continue
            where = f"{item.get('path') or '?'}:{item.get('start_line') or '?'}"
            level = item.get("annotation_level") or "note"
            lines.append(f"{where}: {level}: {item.get('message') or ''}".strip())
        return lines[:limit]

    async def actions_job_log(self, job_id: int, max_bytes: int = 20_000) -> str | None:
        """The last `max_bytes` of a GitHub Actions job's log; None when it cannot be read.

        The log is streamed, holding only its tail; a job can print without end, so at most
        `_LOG_READ_BYTES` are read, and a longer log's tail says it is not the end.
        """
        try:
            response = await self._gh.arequest(
                "GET", f"/repos/{self.owner}/{self.name}/actions/jobs/{job_id}/logs", stream=True
            )
        except RequestFailed as exc:
            if http_status(exc) in (403, 404, 410):
                return None
            raise
        raw, tail, read = response.raw_response, b"", 0
        try:
            async for chunk in raw.aiter_bytes():
                read += len(chunk)
                tail = (tail + chunk)[-max_bytes:]
                if read >= _LOG_READ_BYTES:
                    break
        finally:
            await raw.aclose()
        text = tail.decode("utf-8", errors="replace")
        if read >= _LOG_READ_BYTES:
            cut = f"(only the first {_LOG_READ_BYTES // 2**20} MiB of this log were read)\n"
            return cut + text[len(cut) :]
        return text

    async def update_pull_body(self, number: int, body: str) -> None:
        """Replace autofix's marked section of a pull request's description with `body`."""
        response = await self._gh.rest.pulls.async_get(self.owner, self.name, number)
        existing = response.parsed_data.body
        merged = merge_body(existing, body)
        if merged != existing:
            await self._gh.rest.pulls.async_update(self.owner, self.name, number, body=fit(merged))

    async def rerun_actions_job(self, job_id: int) -> bool:
        """Re-run one failed GitHub Actions job on the same commit; False when not allowed."""
        try:
            await self._gh.arequest(
                "POST", f"/repos/{self.owner}/{self.name}/actions/jobs/{job_id}/rerun", json={}
            )
        except RequestFailed as exc:
            # Without `actions:write`, or for a job GitHub will not re-run: CI stays as it said.
            if http_status(exc) in (403, 404, 409, 422):
                return False
            raise
        return True

    async def rerequest_check_run(self, check_run_id: int) -> bool:
        """Ask the app behind another app's check run to run it again on the same commit.

        The app answers with a new check run of the same name. False when GitHub refuses,
        which its documentation says it does (403) for a check run of an App other than the
        caller: callers must treat False as "this failure cannot be re-run".
        """
        path = f"/repos/{self.owner}/{self.name}/check-runs/{check_run_id}/rerequest"
        try:
            await self._gh.arequest("POST", path, json={})
        except RequestFailed as exc:
            # GitHub Actions' runs, runs GitHub will not re-request, or apps that forbid it.
            if http_status(exc) in (403, 404, 422):
                log.warning(
                    "GitHub refused to re-request check run %s in %s: %s",
                    check_run_id,
                    self.full_name,
                    error_message(exc),
                )
                return False
            raise
        return True

    async def required_checks(self, branch: str) -> dict[str, int | None] | None:
        """The check names branch protection requires on `branch`, each with the app it must
        come from when protection says (None: any source); None when unreadable."""
        try:
            data = await self._get(f"branches/{branch}/protection/required_status_checks")
        except RequestFailed as exc:
            if http_status(exc) in (403, 404):
                return None
            raise
        if not isinstance(data, dict):
            return None
        found: dict[str, int | None] = {
            c: None for c in data.get("contexts") or [] if isinstance(c, str)
        }
        for check in data.get("checks") or []:
            if isinstance(check, dict) and isinstance(check.get("context"), str):
                app = check.get("app_id")
                # A positive id pins the check to that app; -1 or none lets any source set it.
                pinned = app if isinstance(app, int) and app > 0 else None
                found[check["context"]] = pinned or found.get(check["context"])
        return found
