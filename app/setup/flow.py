"""The local pages of the manifest flow: the form that creates the App and the redirect back."""

from __future__ import annotations

import asyncio
import hmac
import json
import secrets
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from app.setup.credentials import AppCredentials
from app.setup.errors import SetupError
from app.status.templates import render

Converter = Callable[[str], Awaitable[AppCredentials]]
Saver = Callable[[AppCredentials], None]


class ManifestFlow:
    """One registration: a random state, one successful conversion, then done."""

    def __init__(
        self,
        *,
        port: int,
        form_url: str,
        manifest: dict[str, Any],
        convert: Converter,
        save: Saver,
        install_url: Callable[[str], str],
        notice: Callable[[str], None] = lambda _message: None,
    ) -> None:
        self.port = port
        self.state = secrets.token_urlsafe(32)
        self.form_url = form_url
        self.manifest = manifest
        self._convert = convert
        self._save = save
        self._install_url = install_url
        self._notice = notice
        self._lock = asyncio.Lock()
        self.done: asyncio.Future[AppCredentials] = asyncio.get_running_loop().create_future()

    @property
    def local_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def callback_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/callback"

    def app(self) -> FastAPI:
        app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
        allowed = {f"127.0.0.1:{self.port}", f"localhost:{self.port}"}

        @app.middleware("http")
        async def local_only(
            request: Request, call_next: Callable[[Request], Awaitable[Response]]
        ) -> Response:
            # A page elsewhere that rebinds its own name to 127.0.0.1 could read the state;
            # only requests that name this server itself are answered.
            if request.headers.get("host", "") not in allowed:
                return PlainTextResponse("unknown host", status_code=421)
            response = await call_next(request)
            response.headers["Cache-Control"] = "no-store"
            response.headers["X-Frame-Options"] = "DENY"
            response.headers["Referrer-Policy"] = "no-referrer"
            return response

        app.add_api_route("/", self._start, methods=["GET"])
        app.add_api_route("/callback", self._callback, methods=["GET"])
        return app

    async def _start(self) -> HTMLResponse:
        if self.done.done():
            return self._page("setup_error.html.jinja", 409, message="This App is registered.")
        action = f"{self.form_url}?{urlencode({'state': self.state})}"
        body = render(
            "setup_start.html.jinja",
            action=action,
            manifest=json.dumps(self.manifest, indent=2),
            app_name=str(self.manifest.get("name", "")),
            hook_url=str(self.manifest.get("hook_attributes", {}).get("url", "")),
        )
        return HTMLResponse(body)

    async def _callback(self, request: Request) -> HTMLResponse:
        code = request.query_params.get("code", "")
        state = request.query_params.get("state", "")
        async with self._lock:
            if self.done.done():
                return self._page(
                    "setup_error.html.jinja",
                    409,
                    message="This setup already registered an App; a second answer is ignored.",
                )
            if not hmac.compare_digest(state.encode(), self.state.encode()):
                self._notice("refused an answer whose state is not this setup's; still waiting")
                return self._page(
                    "setup_error.html.jinja",
                    400,
                    message="This answer does not belong to the form this setup served "
                    "(the state differs). Start again from the setup page.",
                )
            try:
                credentials = await self._convert(code)
                self._save(credentials)
            except SetupError as exc:
                self._notice(f"{exc}; still waiting")
                return self._page("setup_error.html.jinja", 502, message=str(exc))
            self.done.set_result(credentials)
        return self._page(
            "setup_done.html.jinja",
            200,
            slug=credentials.slug,
            install_url=self._install_url(credentials.slug),
        )

    @staticmethod
    def _page(name: str, status: int, **context: Any) -> HTMLResponse:
        return HTMLResponse(render(name, **context), status_code=status)
