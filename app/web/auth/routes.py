"""`/login`, `/auth/callback` and `/logout`: GitHub sign-in with a one-time, browser-bound state."""

from __future__ import annotations

import logging
import re
import secrets

import httpx
from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from app.web.auth.cookies import CookieSigner
from app.web.auth.gate import Gatekeeper
from app.web.auth.github import OAuthError
from app.web.auth.sessions import SessionRecord
from app.web.html import problem

log = logging.getLogger(__name__)

# Only same-site paths: no scheme, no host, no `//` or backslash tricks, no control characters.
_LOCAL_PATH = re.compile(r"^/(?![/\\])[\x21-\x7e]{0,500}$")


def local_path(candidate: str | None) -> str:
    """Where to go after sign-in: a path on this site, else the runs page."""
    if candidate and _LOCAL_PATH.match(candidate) and "\\" not in candidate:
        return candidate
    return "/"


def build_auth_router(gate: Gatekeeper) -> APIRouter:
    router = APIRouter()

    def not_configured() -> Response:
        return problem(
            "Sign-in is not configured",
            "Set AUTOFIX_GITHUB_CLIENT_ID, AUTOFIX_GITHUB_CLIENT_SECRET, AUTOFIX_PUBLIC_URL and "
            "AUTOFIX_SESSION_SECRET to let people sign in with GitHub; operators can send "
            "`Authorization: Bearer $AUTOFIX_DASHBOARD_TOKEN` meanwhile.",
            503,
        )

    def failed(message: str) -> Response:
        return problem("Sign-in failed", message, 400, link="/login")

    @router.get("/login")
    async def login(request: Request, next: str | None = None) -> Response:
        sign_in = gate.sign_in
        if sign_in is None:
            return not_configured()
        # Nothing is stored until GitHub vouches for the sign-in: the state and the page to
        # return to travel in a signed cookie, so unauthenticated requests cannot fill Redis.
        state = secrets.token_urlsafe(32)
        response = RedirectResponse(sign_in.github.authorize_url(state), status_code=302)
        binding = _state_signer(gate).sign(
            {"state": state, "next": local_path(next)},
            expires_at=gate.clock() + sign_in.config.state_ttl_s,
        )
        response.set_cookie(
            sign_in.config.state_cookie,
            binding,
            max_age=int(sign_in.config.state_ttl_s),
            httponly=True,
            samesite="lax",
            secure=sign_in.config.secure_cookies,
            path="/auth",
        )
        return response

    @router.get("/auth/callback")
    async def callback(request: Request, code: str = "", state: str = "") -> Response:
        sign_in = gate.sign_in
        if sign_in is None:
            return not_configured()
        binding = request.cookies.get(sign_in.config.state_cookie)
        bound = _state_signer(gate).open(binding, now=gate.clock())
        bound_state = bound.payload.get("state") if bound.verdict == "valid" else None
        if not state or not code or bound_state != state:
            return failed("This sign-in did not start in this browser, or took too long.")
        used = "This sign-in link was already used; start again."
        if await sign_in.sessions.state_used(state):
            return failed(used)
        try:
            token = await sign_in.github.exchange(code)
        except (OAuthError, httpx.HTTPError) as exc:
            log.warning("sign-in failed: %s", exc)
            return failed(f"GitHub did not complete the sign-in: {exc}")
        if not await sign_in.sessions.use_state(state):
            return failed(used)  # a concurrent callback with the same state got here first
        try:
            login = await sign_in.github.login(token)
            repos = await sign_in.github.repositories(token)
        except (OAuthError, httpx.HTTPError) as exc:
            log.warning("sign-in failed: %s", exc)
            return failed(f"GitHub did not complete the sign-in: {exc}")
        next_path = bound.payload.get("next")
        record = SessionRecord(login=login, token=token, repos=repos, checked_at=gate.clock())
        sid = await sign_in.sessions.create(record)
        response = RedirectResponse(
            local_path(next_path if isinstance(next_path, str) else None), status_code=303
        )
        gate.set_session_cookie(response, gate.session_cookie(sid, login))
        response.delete_cookie(
            sign_in.config.state_cookie, path="/auth", secure=sign_in.config.secure_cookies
        )
        return response

    @router.post("/logout")
    async def logout(request: Request) -> Response:
        sign_in = gate.sign_in
        if sign_in is not None:
            cookie = request.cookies.get(sign_in.config.session_cookie)
            opened = sign_in.cookies.open(cookie, now=gate.clock())
            sid = opened.payload.get("sid")
            if opened.verdict != "invalid" and isinstance(sid, str):
                await sign_in.sessions.drop(sid)
        response = problem("Signed out", "You are signed out of autofix.", 200, link="/login")
        if sign_in is not None:
            response.delete_cookie(
                sign_in.config.session_cookie, path="/", secure=sign_in.config.secure_cookies
            )
        return response

    return router


def _state_signer(gate: Gatekeeper) -> CookieSigner:
    assert gate.sign_in is not None
    return CookieSigner(gate.sign_in.config.session_secret.get_secret_value(), "signin-state")
