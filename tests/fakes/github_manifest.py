"""GitHub's App manifest flow in the fake: the new-App pages and the one-time code conversion."""

from __future__ import annotations

import html
import json
import re
import secrets
from dataclasses import dataclass, field
from itertools import count
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

if TYPE_CHECKING:
    from tests.fakes.github_server import FakeGitHub

Json = dict[str, Any]
CODE_TTL_S = 3600.0  # GitHub honours a manifest code for an hour, once


@dataclass
class CreatedApp:
    """An App made from a manifest, with the credentials its conversion hands out."""

    id: int
    slug: str
    owner: str
    manifest: Json
    pem: str
    webhook_secret: str
    client_id: str
    client_secret: str


@dataclass
class ManifestApps:
    """Apps created through the flow and the codes not yet converted."""

    apps: list[CreatedApp] = field(default_factory=list)
    codes: dict[str, tuple[CreatedApp, float]] = field(default_factory=dict)
    ids: count[int] = field(default_factory=lambda: count(70_001))
    forms: list[Json] = field(default_factory=list)
    """Each manifest form posted: its `manifest`, `state` and `org` as received."""


def _private_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()


def _slug(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "app"
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


async def _form(request: Request) -> dict[str, str]:
    fields = parse_qs((await request.body()).decode(), keep_blank_values=True)
    return {name: values[0] for name, values in fields.items()}


def _problem(message: str, status: int = 422) -> HTMLResponse:
    return HTMLResponse(f"<h1>Invalid manifest</h1><p>{html.escape(message)}</p>", status)


def _check(manifest: Json) -> str | None:
    """What GitHub would refuse about a manifest, or None."""
    if not isinstance(manifest.get("url"), str):
        return "url is required"
    hook = manifest.get("hook_attributes")
    if not isinstance(hook, dict) or not isinstance(hook.get("url"), str):
        return "hook_attributes.url is required"
    redirect = manifest.get("redirect_url")
    if not isinstance(redirect, str) or urlsplit(redirect).scheme not in ("http", "https"):
        return "redirect_url must be an http(s) URL"
    return None


def register_manifest_routes(app: FastAPI, fake: FakeGitHub) -> None:
    """Web pages at the site root; the conversion under the API root (GHES: /api/v3)."""
    apps = fake.manifest_apps

    async def new_app(request: Request, org: str | None = None) -> Response:
        form = await _form(request)
        state = request.query_params.get("state") or form.get("state", "")
        try:
            manifest = json.loads(form.get("manifest", ""))
        except ValueError:
            return _problem("manifest is not JSON")
        if not isinstance(manifest, dict):
            return _problem("manifest must be an object")
        apps.forms.append({"manifest": manifest, "state": state, "org": org})
        if (problem := _check(manifest)) is not None:
            return _problem(problem)
        # GitHub shows the App for review; creating it is a second, deliberate click.
        hidden = {"manifest": json.dumps(manifest), "state": state, "org": org or ""}
        inputs = "".join(
            f'<input type="hidden" name="{k}" value="{html.escape(v)}">' for k, v in hidden.items()
        )
        page = (
            f"<!doctype html><title>Create GitHub App</title>"
            f"<h1>Create GitHub App {html.escape(str(manifest.get('name', '')))}</h1>"
            f'<form method="post" action="/settings/apps/new/create">{inputs}'
            f'<button type="submit" id="create-app">Create GitHub App</button></form>'
        )
        return HTMLResponse(page)

    async def user_new_app(request: Request) -> Response:
        return await new_app(request)

    async def org_new_app(org: str, request: Request) -> Response:
        return await new_app(request, org)

    async def create(request: Request) -> Response:
        form = await _form(request)
        manifest = json.loads(form["manifest"])
        owner = form.get("org") or "octocat"
        made = CreatedApp(
            id=next(apps.ids),
            slug=_slug(str(manifest.get("name", "app")), {a.slug for a in apps.apps}),
            owner=owner,
            manifest=manifest,
            pem=_private_key(),
            webhook_secret=secrets.token_hex(20),
            client_id=f"Iv1.{secrets.token_hex(8)}",
            client_secret=secrets.token_hex(20),
        )
        apps.apps.append(made)
        code = secrets.token_hex(10)
        apps.codes[code] = (made, fake.clock())
        query = urlencode({"code": code, "state": form.get("state", "")})
        return RedirectResponse(f"{manifest['redirect_url']}?{query}", status_code=302)

    async def conversion(code: str) -> Response:
        found = apps.codes.pop(code, None)
        if found is None or fake.clock() - found[1] > CODE_TTL_S:
            return JSONResponse({"message": "Not Found", "status": "404"}, status_code=404)
        return JSONResponse(conversion_body(fake, found[0]), status_code=201)

    async def authenticated_app(request: Request) -> Response:
        # `GET /app` for Apps made here: the JWT must be signed by that App's own key.
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        try:
            issuer = str(jwt.decode(token, options={"verify_signature": False}).get("iss"))
            made = next(a for a in apps.apps if str(a.id) == issuer)
            public = serialization.load_pem_private_key(made.pem.encode(), None).public_key()
            jwt.decode(token, public, algorithms=["RS256"])  # type: ignore[arg-type]
        except (jwt.PyJWTError, StopIteration, ValueError):
            return JSONResponse({"message": "A JSON web token could not be decoded"}, 401)
        if scheme.lower() != "bearer":
            return JSONResponse({"message": "Bad credentials"}, 401)
        body = conversion_body(fake, made)
        for secret in ("client_secret", "webhook_secret", "pem"):
            body.pop(secret)
        return JSONResponse(body)

    app.add_api_route(f"{fake.api_prefix}/app", authenticated_app, methods=["GET"])
    app.add_api_route("/settings/apps/new", user_new_app, methods=["POST"])
    app.add_api_route("/organizations/{org}/settings/apps/new", org_new_app, methods=["POST"])
    app.add_api_route("/settings/apps/new/create", create, methods=["POST"])
    app.add_api_route(
        f"{fake.api_prefix}/app-manifests/{{code}}/conversions", conversion, methods=["POST"]
    )


def conversion_body(fake: FakeGitHub, made: CreatedApp) -> Json:
    """The 201 body of `POST /app-manifests/{code}/conversions`, shaped as GitHub's."""
    manifest = made.manifest
    return {
        "id": made.id,
        "slug": made.slug,
        "node_id": f"A_{made.id}",
        "owner": fake.shapes.user(made.owner),
        "name": manifest.get("name", made.slug),
        "description": manifest.get("description", ""),
        "external_url": manifest["url"],
        "html_url": f"{fake.git_url}/apps/{made.slug}",
        "created_at": "2026-12-01T00:00:00Z",
        "updated_at": "2026-12-01T00:00:00Z",
        "permissions": manifest.get("default_permissions", {}),
        "events": manifest.get("default_events", []),
        "client_id": made.client_id,
        "client_secret": made.client_secret,
        "webhook_secret": made.webhook_secret,
        "pem": made.pem,
    }
