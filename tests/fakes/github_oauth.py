"""The fake GitHub's sign-in: OAuth authorize and token endpoints, and what a user can see."""

from __future__ import annotations

import secrets
import threading
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from tests.fakes.github_routes import FakeError

if TYPE_CHECKING:
    from tests.fakes.github_server import FakeGitHub

Json = dict[str, Any]


class FakeOAuth:
    """OAuth clients, the person signed in to the fake's web UI, and what each person may see."""

    def __init__(self) -> None:
        self.clients: dict[str, str] = {}
        self.signed_in: str | None = None
        self.visible: dict[str, set[str]] = {}
        self.codes: dict[str, tuple[str, str, str]] = {}
        """code -> (login, client id, redirect uri); each code works once."""
        self.tokens: dict[str, str] = {}
        """user access token -> login."""
        self.lock = threading.Lock()

    def register(self, client_id: str, client_secret: str) -> None:
        self.clients[client_id] = client_secret

    def sign_in_as(self, login: str) -> None:
        """The person who approves the next authorize request in the browser."""
        self.signed_in = login

    def grant(self, login: str, *repos: str) -> None:
        """`login` can see these repositories (through the installations that hold them)."""
        self.visible.setdefault(login, set()).update(repos)

    def withdraw(self, login: str, repo: str) -> None:
        self.visible.get(login, set()).discard(repo)

    def revoke_tokens(self, login: str) -> None:
        with self.lock:
            for token in [t for t, who in self.tokens.items() if who == login]:
                del self.tokens[token]

    def mint_code(self, login: str, client_id: str, redirect_uri: str) -> str:
        code = secrets.token_hex(10)
        with self.lock:
            self.codes[code] = (login, client_id, redirect_uri)
        return code

    def user_of(self, request: Request) -> str:
        scheme, _, credential = request.headers.get("authorization", "").partition(" ")
        login = self.tokens.get(credential) if scheme.lower() in ("bearer", "token") else None
        if login is None:
            raise FakeError(401, "Bad credentials")
        return login


def build_oauth_web_router(fake: FakeGitHub) -> APIRouter:
    """`/login/oauth/*` on the web host (github.com, or the GHES host without `/api/v3`)."""
    router = APIRouter()
    oauth = fake.oauth

    @router.get("/login/oauth/authorize")
    async def authorize(request: Request) -> Response:
        query = request.query_params
        client_id, redirect_uri = query.get("client_id", ""), query.get("redirect_uri", "")
        if client_id not in oauth.clients or not redirect_uri:
            return Response("The client_id or redirect_uri is not valid.", status_code=404)
        if oauth.signed_in is None:
            return Response("Sign in to GitHub to continue.", status_code=401)
        code = oauth.mint_code(oauth.signed_in, client_id, redirect_uri)
        target = redirect_uri + "?" + urlencode({"code": code, "state": query.get("state", "")})
        return RedirectResponse(target, status_code=302)

    @router.post("/login/oauth/access_token")
    async def access_token(request: Request) -> JSONResponse:
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
        client_id = form.get("client_id", "")
        if oauth.clients.get(client_id) != form.get("client_secret") or not client_id:
            return JSONResponse({"error": "incorrect_client_credentials"})
        with oauth.lock:
            grant = oauth.codes.pop(form.get("code", ""), None)
        if grant is None or grant[1] != client_id:
            return JSONResponse({"error": "bad_verification_code"})
        if form.get("redirect_uri") and form["redirect_uri"] != grant[2]:
            return JSONResponse({"error": "redirect_uri_mismatch"})
        token = "ghu_" + secrets.token_hex(18)
        with oauth.lock:
            oauth.tokens[token] = grant[0]
        return JSONResponse({"access_token": token, "token_type": "bearer", "scope": ""})

    return router


def build_oauth_api_router(fake: FakeGitHub) -> APIRouter:
    """`/user` and the installations and repositories a user token can see."""
    router = APIRouter()
    oauth = fake.oauth

    def visible_repos(login: str) -> list[Any]:
        names = oauth.visible.get(login, set())
        return [repo for name, repo in sorted(fake.state.repos.items()) if name in names]

    def page(request: Request, key: str, items: list[Json]) -> JSONResponse:
        per_page = min(int(request.query_params.get("per_page", 30)), fake.max_per_page)
        number = int(request.query_params.get("page", 1))
        headers = {}
        if number * per_page < len(items):
            url = fake.api_url + request.url.path.removeprefix(fake.api_prefix)
            headers["Link"] = f'<{url}?per_page={per_page}&page={number + 1}>; rel="next"'
        chunk = items[(number - 1) * per_page : number * per_page]
        return JSONResponse({"total_count": len(items), key: chunk}, headers=headers)

    @router.get("/user")
    async def user(request: Request) -> Json:
        return fake.shapes.user(oauth.user_of(request), user_id=20_000)

    @router.get("/user/installations")
    async def installations(request: Request) -> JSONResponse:
        repos = visible_repos(oauth.user_of(request))
        ids = sorted({repo.installation_id for repo in repos})
        items = [
            fake.shapes.installation(iid, fake.shapes.user(f"owner{iid}", user_id=30_000 + iid))
            for iid in ids
        ]
        return page(request, "installations", items)

    @router.get("/user/installations/{installation_id}/repositories")
    async def repositories(installation_id: int, request: Request) -> JSONResponse:
        repos = [
            r for r in visible_repos(oauth.user_of(request)) if r.installation_id == installation_id
        ]
        if not repos:
            raise FakeError(404, "Not Found")
        return page(request, "repositories", [repo.data for repo in repos])

    return router
