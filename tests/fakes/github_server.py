"""A fake GitHub on 127.0.0.1: the REST calls autofix makes plus git over smart HTTP."""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from tests.fakes.git_http import run_http_backend
from tests.fakes.github_auth import FakeAuth
from tests.fakes.github_ci import FakeCI
from tests.fakes.github_ci_routes import build_ci_router, build_log_download_router
from tests.fakes.github_examples import Shapes
from tests.fakes.github_graphql import build_graphql_router, thread_node
from tests.fakes.github_manifest import ManifestApps, register_manifest_routes
from tests.fakes.github_oauth import FakeOAuth, build_oauth_api_router, build_oauth_web_router
from tests.fakes.github_routes import FakeError, build_router, error_response, render_pull
from tests.fakes.github_state import FakeRepo, GitHubState, commit_files, init_bare
from tests.fakes.live_server import LiveServer

Json = dict[str, Any]


@dataclass(frozen=True)
class RecordedRequest:
    """One request the fake received; `at` is read from the fake's (injectable) clock."""

    method: str
    path: str
    status: int
    api_version: str | None
    auth: str | None
    at: float
    kind: str


@dataclass
class Failure:
    """An injected failure: the next `times` matching requests get `status`."""

    method: str
    pattern: re.Pattern[str]
    status: int
    times: int
    headers: dict[str, str] = field(default_factory=dict)
    body: Json | list[Any] = field(default_factory=dict)


class FakeGitHub:
    """GitHub's REST API (github.com or GHES layout) and git hosting, in a background thread."""

    def __init__(
        self,
        root: Path,
        *,
        ghes: bool = False,
        app_id: int = 4242,
        app_public_key: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        token_ttl_s: float = 3600.0,
        bot_login: str = "autofix[bot]",
    ) -> None:
        self.root = root
        self.git_root = root / "git"
        self.git_root.mkdir(parents=True, exist_ok=True)
        self.app_id = app_id
        self.clock = clock
        self.drafts_supported = True
        self.refuse_ready_for_review = False
        """Answer the ready-for-review mutation with FORBIDDEN, as for an App that may not."""
        self.max_per_page = 100
        self.observers: list[Callable[[str, str], None]] = []
        """Called with (method, path) as each request arrives, in the server's thread."""
        """GitHub caps pages at 100 items; tests lower this to exercise pagination cheaply."""
        self.api_prefix = "/api/v3" if ghes else ""
        self._live = LiveServer()
        self.git_url = f"http://127.0.0.1:{self._live.port}"
        self.api_url = self.git_url + self.api_prefix
        self.shapes = Shapes(self.api_url, self.git_url)
        self.state = GitHubState()
        self.auth = FakeAuth(self.state, app_id, app_public_key, token_ttl_s)
        self.oauth = FakeOAuth()
        """Sign-in: OAuth clients, who is signed in to the web UI, what each person sees."""
        self.bot_user = self.shapes.user(bot_login, bot=True, user_id=9_000_001)
        self.requests: list[RecordedRequest] = []
        self.manifest_apps = ManifestApps()
        self.ci = FakeCI(self)
        """Other apps' checks and statuses, and a fake CI run on every push."""
        self._failures: list[Failure] = []

    # --- lifecycle -------------------------------------------------------------------------
    def start(self) -> FakeGitHub:
        self._live.start(self._build_app(), lifespan="off")
        return self

    def stop(self) -> None:
        self._live.stop()

    def __enter__(self) -> FakeGitHub:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- setting the scene -------------------------------------------------------------------
    def add_repo(
        self,
        owner: str,
        name: str,
        *,
        files: Mapping[str, str | bytes] | None = None,
        from_path: Path | None = None,
        default_branch: str = "main",
        private: bool = False,
        installation_id: int = 1,
    ) -> FakeRepo:
        """Host owner/name with one commit of `files` (or a copy of `from_path`)."""
        bare = self.git_root / owner / f"{name}.git"
        init_bare(bare, default_branch, files, from_path)
        owner_json = self.shapes.user(owner, user_id=10_000 + len(self.state.repos))
        data = self.shapes.repository(
            owner_json,
            name,
            repo_id=500 + len(self.state.repos),
            branch=default_branch,
            private=private,
        )
        repo = FakeRepo(owner, name, installation_id, bare, data)
        self.state.repos[repo.full_name] = repo
        return repo

    def advance_branch(
        self, owner: str, name: str, branch: str, files: Mapping[str, str | bytes]
    ) -> str:
        """Commit `files` on top of `branch` (as a maintainer's push would); returns the sha."""
        repo = self._repo(owner, name)
        before = repo.branches()
        sha = commit_files(repo.bare, branch, files)
        self.ci.pushed(repo, before, repo.branches())
        return sha

    def add_issue(
        self,
        owner: str,
        name: str,
        title: str,
        body: str = "",
        *,
        author: str = "alice",
        labels: Iterable[str] = ("autofix",),
    ) -> int:
        repo = self._repo(owner, name)
        number = next(repo.numbers)
        self.state.issues[(repo.full_name, number)] = self.shapes.issue(
            repo.full_name, number, title, body, self.shapes.user(author), list(labels)
        )
        return number

    def add_review_comments(
        self, owner: str, name: str, pr: int, review_id: int, comments: list[Json]
    ) -> None:
        """Comments of one review; each needs `body` and `path`, optionally `line`, `user`."""
        repo = self._repo(owner, name)
        made = []
        for item in comments:
            fields = {"id": next(self.state.ids), "body": item["body"], "path": item["path"]}
            fields["line"] = item.get("line", 1)
            fields["user"] = self.shapes.user(item.get("user", "alice"))
            made.append(self.shapes.review_comment(repo.full_name, pr, review_id, fields))
        self.state.review_comments.setdefault((repo.full_name, pr, review_id), []).extend(made)

    def add_review_thread(
        self,
        owner: str,
        name: str,
        pr: int,
        path: str,
        comments: list[tuple[str, str]],
        *,
        line: int | None = 1,
        resolved: bool = False,
        outdated: bool = False,
    ) -> None:
        """A review thread of (author, body) comments; authors ending in `[bot]` are Apps."""
        node = thread_node(path, line, comments, resolved, outdated)
        with self.state.lock:
            self.state.review_threads.setdefault((f"{owner}/{name}", pr), []).append(node)

    def set_permission(self, user: str, level: str) -> None:
        """Give `user` a role: admin, maintain, write, triage or read (else not a collaborator)."""
        self.state.permissions[user] = level

    def fail(
        self,
        method: str,
        path_regex: str,
        *,
        status: int = 500,
        times: int = 1,
        headers: dict[str, str] | None = None,
        body: Json | list[Any] | None = None,
    ) -> None:
        """Answer the next `times` matching API requests (path under the API root) with `status`."""
        self._failures.append(
            Failure(
                method.upper(),
                re.compile(path_regex),
                status,
                times,
                headers or {},
                {"message": "Server Error"} if body is None else body,
            )
        )

    def rate_limit_next(self, method: str, path_regex: str, *, retry_after: int = 60) -> None:
        """A secondary rate limit (403 with Retry-After) on the next matching request."""
        self.fail(
            method,
            path_regex,
            status=403,
            headers={"Retry-After": str(retry_after)},
            body={"message": "You have exceeded a secondary rate limit."},
        )

    def expire_tokens(self) -> None:
        """Revoke every installation token (as an App reinstall would)."""
        self.state.tokens.clear()

    def mint_token(self, installation_id: int) -> tuple[str, str]:
        """A fresh installation token and its expiry, as the App would be given."""
        return self.auth.mint_token(installation_id)

    # --- inspection ----------------------------------------------------------------------------
    def comments(self, owner: str, name: str, number: int) -> list[Json]:
        return self.state.issue_comments(f"{owner}/{name}", number)

    def pulls(self, owner: str, name: str) -> list[Json]:
        """The repository's pull requests as the API shows them (`head.ref`, `draft`, ...)."""
        repo = self._repo(owner, name)
        return [
            render_pull(self, repo, pr)
            for (full, _), pr in sorted(self.state.pulls.items())
            if full == repo.full_name
        ]

    def reactions(self) -> list[tuple[tuple[str, int], str]]:
        return [(r["subject"], r["content"]) for r in self.state.reactions]

    def check_runs(self) -> list[Json]:
        return list(self.state.check_runs.values())

    def branches(self, owner: str, name: str) -> dict[str, str]:
        return self._repo(owner, name).branches()

    def file_at(self, owner: str, name: str, ref: str, path: str) -> str | None:
        found = self._repo(owner, name).read(ref, path)
        return found[0].decode() if found else None

    def api_requests(self, method: str | None = None) -> list[RecordedRequest]:
        return [
            r for r in self.requests if r.kind == "api" and (method is None or r.method == method)
        ]

    def _repo(self, owner: str, name: str) -> FakeRepo:
        repo = self.state.repo(owner, name)
        if repo is None:
            raise KeyError(f"{owner}/{name} is not hosted by the fake")
        return repo

    # --- the ASGI app ----------------------------------------------------------------------------
    def _build_app(self) -> FastAPI:
        app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
        app.add_exception_handler(FakeError, lambda _req, exc: error_response(exc))
        app.middleware("http")(self._middleware)
        app.include_router(build_router(self), prefix=self.api_prefix)
        app.include_router(build_ci_router(self), prefix=self.api_prefix)
        app.include_router(build_log_download_router(self))
        register_manifest_routes(app, self)
        app.include_router(build_oauth_api_router(self), prefix=self.api_prefix)
        app.include_router(build_oauth_web_router(self))
        # GraphQL lives at /graphql on github.com and at /api/graphql (beside /api/v3) on GHES.
        app.include_router(build_graphql_router(self), prefix="/api" if self.api_prefix else "")
        app.add_api_route("/{owner}/{repo}.git/{rest:path}", self._git, methods=["GET", "POST"])
        return app

    async def _middleware(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        path = request.url.path
        kind = "git" if ".git/" in path else "api"
        rel = path.removeprefix(self.api_prefix) if kind == "api" else path
        auth = request.headers.get("authorization", "").partition(" ")[0].lower() or None
        response: Response | None = None
        for observe in self.observers:
            observe(request.method, rel)
        if kind == "api":
            for failure in self._failures:
                if (
                    failure.times > 0
                    and failure.method == request.method
                    and failure.pattern.search(rel)
                ):
                    failure.times -= 1
                    response = JSONResponse(
                        failure.body, status_code=failure.status, headers=failure.headers
                    )
                    break
        if response is None:
            response = await call_next(request)
        self.requests.append(
            RecordedRequest(
                request.method,
                rel,
                response.status_code,
                request.headers.get("x-github-api-version"),
                auth,
                self.clock(),
                kind,
            )
        )
        return response

    async def _git(self, owner: str, repo: str, rest: str, request: Request) -> Response:
        hosted = self.state.repo(owner, repo)
        if hosted is None:
            return Response("Repository not found.", status_code=404)
        if self.auth.git_installation(request) != hosted.installation_id:
            return Response(
                "Invalid username or token.",
                status_code=401,
                headers={"WWW-Authenticate": 'Basic realm="GitHub"'},
            )
        body = await request.body()
        pushing = rest == "git-receive-pack"
        before = hosted.branches() if pushing else {}
        response = await run_in_threadpool(
            run_http_backend, self.git_root, request, f"/{owner}/{repo}.git/{rest}", body
        )
        if pushing:
            self.ci.pushed(hosted, before, hosted.branches())
        return response
