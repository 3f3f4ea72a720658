"""FastAPI dependencies that admit a viewer, and the answers for those who are not admitted."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from app.web.auth.gate import Gatekeeper
from app.web.auth.viewer import Viewer
from app.web.dashboard import NoSuchRun
from app.web.html import problem

BEARER_HINT = "sign in at /login, or send `Authorization: Bearer $AUTOFIX_DASHBOARD_TOKEN`"


class SignInRequired(Exception):
    """Nobody is signed in; pages redirect to /login, the API and event streams answer 401."""

    def __init__(self, path: str, *, api: bool) -> None:
        super().__init__(path)
        self.path = path
        self.api = api


def _is_api(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path.endswith("/events")


class Admit:
    """`Depends(Admit(gate))`: the viewer of the request, or SignInRequired."""

    def __init__(self, gate: Gatekeeper) -> None:
        self.gate = gate

    async def __call__(self, request: Request) -> Viewer:
        viewer = await self.gate.viewer(request)
        if viewer is None:
            query = request.url.query
            here = request.url.path + (f"?{query}" if query else "")
            raise SignInRequired(here, api=_is_api(request))
        return viewer


def install_handlers(app: FastAPI, gate: Gatekeeper) -> None:
    """Answers for SignInRequired and NoSuchRun, and the refreshed session cookie on the way out."""

    async def sign_in_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SignInRequired)
        if exc.api:
            return JSONResponse(
                {"error": f"authentication required: {BEARER_HINT}"},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        if gate.sign_in is not None:
            return RedirectResponse("/login?" + urlencode({"next": exc.path}), status_code=303)
        return problem("Sign-in required", f"To see runs, {BEARER_HINT}.", 401)

    async def no_such_run(request: Request, exc: Exception) -> Response:
        if _is_api(request):
            return JSONResponse({"error": "no such run"}, status_code=404)
        return problem("No such run", "There is no run here that you can see.", 404, link="/")

    app.add_exception_handler(SignInRequired, sign_in_required)
    app.add_exception_handler(NoSuchRun, no_such_run)

    @app.middleware("http")
    async def session_refresh(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        refreshed = getattr(request.state, "session_cookie", None)
        if isinstance(refreshed, str) and gate.sign_in is not None:
            gate.set_session_cookie(response, refreshed)
        return response
