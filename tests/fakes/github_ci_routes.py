"""The fake GitHub's CI endpoints: reads of a commit's checks and statuses, annotations, job logs,
and the two ways to run a check again (re-run an Actions job, re-request another app's run)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import (
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)

from tests.fakes.github_ci import is_actions
from tests.fakes.github_routes import FakeError
from tests.fakes.github_state import FakeRepo

if TYPE_CHECKING:
    from tests.fakes.github_server import FakeGitHub

Json = dict[str, Any]
# What GitHub answers an App that may not touch another App's check run.
_NOT_ACCESSIBLE = "Resource not accessible by integration"


def _public(item: Json) -> Json:
    return {k: v for k, v in item.items() if not k.startswith("_")}


def _slice(fake: FakeGitHub, request: Request, items: list[Json]) -> list[Json]:
    """One page of `items`, as GitHub pages its lists (`per_page` at most 100, `page` from 1)."""
    per_page = min(int(request.query_params.get("per_page", 30)), fake.max_per_page)
    page = int(request.query_params.get("page", 1))
    return items[(page - 1) * per_page : page * per_page]


def build_ci_router(fake: FakeGitHub) -> APIRouter:
    """Reads of CI results: check runs and suites of a commit, statuses, annotations, logs."""
    r = APIRouter()
    ci = fake.ci

    def repo_for(request: Request, owner: str, name: str) -> FakeRepo:
        installation_id = fake.auth.authenticate_installation(request)
        repo = fake.state.repo(owner, name)
        if repo is None or repo.installation_id != installation_id:
            raise FakeError(404, "Not Found")
        return repo

    def runs_of(repo: FakeRepo, sha: str) -> list[Json]:
        own = [
            {**run, "app": {"id": fake.app_id, "slug": "autofix", "name": "autofix"}}
            for run in fake.state.check_runs.values()
            if run.get("head_sha") == sha
        ]
        with ci.lock:
            other = [
                _public(run)
                for run in ci.runs.values()
                if run["_repo"] == repo.full_name and run["head_sha"] == sha
            ]
        return own + other

    def resolve(repo: FakeRepo, ref: str) -> str:
        return repo.ref_sha(ref) or repo.ref_sha(f"refs/heads/{ref}") or ref

    @r.get("/repos/{owner}/{name}/commits/{ref}/check-runs")
    async def commit_check_runs(owner: str, name: str, ref: str, request: Request) -> Json:
        repo = repo_for(request, owner, name)
        runs = runs_of(repo, resolve(repo, ref))
        return {"total_count": len(runs), "check_runs": _slice(fake, request, runs)}

    @r.get("/repos/{owner}/{name}/commits/{ref}/check-suites")
    async def commit_check_suites(owner: str, name: str, ref: str, request: Request) -> Json:
        repo = repo_for(request, owner, name)
        sha = resolve(repo, ref)
        with ci.lock:
            suites = [
                _public(s)
                for s in ci.suites.values()
                if s["_repo"] == repo.full_name and s["head_sha"] == sha
            ]
        return {"total_count": len(suites), "check_suites": _slice(fake, request, suites)}

    @r.get("/repos/{owner}/{name}/commits/{ref}/status")
    async def combined_status(owner: str, name: str, ref: str, request: Request) -> Json:
        repo = repo_for(request, owner, name)
        sha = resolve(repo, ref)
        latest: dict[str, Json] = {}
        with ci.lock:
            for status in ci.statuses.get((repo.full_name, sha), []):
                latest[status["context"]] = status
        states = [s["state"] for s in latest.values()]
        if any(s in ("failure", "error") for s in states):
            state = "failure"
        elif not states or "pending" in states:
            state = "pending"
        else:
            state = "success"
        return {
            "state": state,
            "sha": sha,
            "total_count": len(latest),
            "statuses": _slice(fake, request, list(latest.values())),
        }

    @r.get("/repos/{owner}/{name}/check-runs/{run_id}/annotations")
    async def annotations(owner: str, name: str, run_id: int, request: Request) -> Response:
        repo_for(request, owner, name)
        with ci.lock:
            found = ci.annotations.get(run_id, [])
        return JSONResponse(found)

    @r.get("/repos/{owner}/{name}/branches/{branch}/protection/required_status_checks")
    async def required(owner: str, name: str, branch: str, request: Request) -> Json:
        repo = repo_for(request, owner, name)
        names = ci.required.get((repo.full_name, branch))
        if names is None:
            raise FakeError(404, "Branch not protected")
        return {
            "strict": False,
            "contexts": names,
            "checks": [
                {"context": n, "app_id": ci.required_apps.get((repo.full_name, branch), {}).get(n)}
                for n in names
            ],
        }

    @r.post("/repos/{owner}/{name}/actions/jobs/{job_id}/rerun", status_code=201)
    async def rerun(owner: str, name: str, job_id: int, request: Request) -> Json:
        repo = repo_for(request, owner, name)
        job = ci.job_of(job_id)
        # Another app's check run is no Actions job: there is nothing here to re-run.
        if job is None or not job.actions or ci.runs[job_id]["_repo"] != repo.full_name:
            raise FakeError(404, "Not Found")
        ci.reruns.append(job_id)
        ci.rerun(repo, job_id)
        return {}

    @r.post("/repos/{owner}/{name}/check-runs/{run_id}/rerequest", status_code=201)
    async def rerequest(owner: str, name: str, run_id: int, request: Request) -> Json:
        repo = repo_for(request, owner, name)
        own = fake.state.check_runs.get(run_id)
        if own is not None and own.get("url", "").endswith(
            f"/{repo.full_name}/check-runs/{run_id}"
        ):
            # GitHub tells the run's own app, here autofix, which decides what to do.
            ci.rerequests.append(run_id)
            app = {"id": fake.app_id, "slug": "autofix", "name": "autofix"}
            ci.notify("check_run", repo, {**own, "app": app}, "rerequested")
            return {}
        run = ci.runs.get(run_id)
        if run is None or run["_repo"] != repo.full_name:
            raise FakeError(404, "Not Found")
        if ci.refuse_rerequests or is_actions(run["app"]):
            # Actions' runs are re-run through the Actions API, never re-requested.
            raise FakeError(403, _NOT_ACCESSIBLE)
        if run["status"] != "completed" or ci.job_of(run_id) is None:
            raise FakeError(422, "This check run is not rerequestable")
        ci.rerequests.append(run_id)
        # The other app hears `rerequested` (autofix does not) and reports a new check run.
        ci.rerun(repo, run_id)
        return {}

    @r.get("/repos/{owner}/{name}/actions/jobs/{job_id}/logs")
    async def job_logs(owner: str, name: str, job_id: int, request: Request) -> Response:
        repo_for(request, owner, name)
        if job_id not in ci.logs and job_id not in ci.endless_logs:
            return JSONResponse({"message": "Not Found"}, status_code=404)
        # GitHub answers with a short-lived download address elsewhere.
        return RedirectResponse(f"{fake.git_url}/_ci-logs/{job_id}", status_code=302)

    return r


def build_log_download_router(fake: FakeGitHub) -> APIRouter:
    """The download address job logs redirect to (no API authentication, as on GitHub)."""
    r = APIRouter()

    async def stream(size: int) -> AsyncIterator[bytes]:
        chunk = (b"x" * 1023 + b"\n") * 1024
        for _ in range(size // len(chunk)):
            fake.ci.log_bytes_sent += len(chunk)
            yield chunk

    @r.get("/_ci-logs/{job_id}")
    async def download(job_id: int) -> Response:
        size = fake.ci.endless_logs.get(job_id)
        if size is not None:
            return StreamingResponse(stream(size), media_type="text/plain")
        text = fake.ci.logs.get(job_id)
        if text is None:
            return PlainTextResponse("gone", status_code=404)
        return PlainTextResponse(text)

    return r


__all__ = ["build_ci_router", "build_log_download_router"]
