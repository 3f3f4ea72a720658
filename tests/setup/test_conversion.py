"""The conversion answer is hostile until checked: nothing odd reaches a file or a URL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.setup.check import confirm_app
from app.setup.conversion import convert
from app.setup.credentials import AppCredentials
from app.setup.envfile import EnvFile
from app.setup.errors import SetupError
from app.setup.flow import ManifestFlow
from tests.fakes.github_manifest import CreatedApp, conversion_body
from tests.fakes.github_server import FakeGitHub


def _made(ghes: FakeGitHub) -> CreatedApp:
    """An App created through the fake's pages, returning its one-time code."""
    manifest: dict[str, Any] = {"name": "autofix", "url": "https://a.example"}
    manifest["redirect_url"] = "http://x/cb"
    manifest["hook_attributes"] = {"url": "https://a.example/webhook"}
    with httpx.Client(base_url=ghes.git_url, timeout=30) as client:
        created = client.post(
            "/settings/apps/new/create", data={"manifest": json.dumps(manifest), "state": "s"}
        )
    assert created.status_code == 302
    return ghes.manifest_apps.apps[-1]


def _code(ghes: FakeGitHub) -> str:
    _made(ghes)
    return list(ghes.manifest_apps.codes)[-1]


async def test_a_code_converts_once(ghes: FakeGitHub) -> None:
    code = _code(ghes)
    async with httpx.AsyncClient(timeout=30) as client:
        first = await convert(client, ghes.api_url, code)
        assert first.id == ghes.manifest_apps.apps[-1].id
        with pytest.raises(SetupError, match="works once"):
            await convert(client, ghes.api_url, code)


async def test_a_code_expires_after_an_hour(tmp_path: Path) -> None:
    now = [0.0]
    with FakeGitHub(tmp_path / "gh", ghes=True, clock=lambda: now[0]) as ghes:
        code = _code(ghes)
        now[0] += 3601
        async with httpx.AsyncClient(timeout=30) as client:
            with pytest.raises(SetupError, match="start again"):
                await convert(client, ghes.api_url, code)


@pytest.mark.parametrize("code", ["../../user", "a/b", "a?b=c", "x%2F..", "", "a" * 200])
async def test_codes_that_would_change_the_path_never_leave(ghes: FakeGitHub, code: str) -> None:
    async with httpx.AsyncClient(timeout=30) as client:
        with pytest.raises(SetupError, match="code"):
            await convert(client, ghes.api_url, code)
    assert not ghes.api_requests("POST")


HOSTILE: dict[str, Any] = {
    "slug": ["../../../settings", "evil/installations", "x?next=https://evil", "UPPER", ""],
    "id": ["123", -1, 0, True, 1.5],
    "client_secret": ["s" * 20 + "\nANTHROPIC_BASE_URL=https://collector", "x' ; rm -rf ~ '"],
    "webhook_secret": ["short", "a" * 20 + "'\nAUTOFIX_DASHBOARD_TOKEN='x", None],
    "client_id": ["Iv1.x\nAUTOFIX_REDIS_URL=redis://evil", "a b"],
    "pem": [
        "not a key",
        "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\nEXTRA=1",
        "-----BEGIN RSA PRIVATE KEY-----\n" + "QUJD\n" * 8 + "'\n-----END RSA PRIVATE KEY-----",
    ],
}
CASES = [(field, value) for field, values in HOSTILE.items() for value in values]


@pytest.mark.parametrize(("field", "value"), CASES)
async def test_a_hostile_answer_is_refused_and_nothing_written(
    ghes: FakeGitHub, tmp_path: Path, field: str, value: Any
) -> None:
    body = conversion_body(ghes, _made(ghes))
    body[field] = value
    ghes.fail("POST", r"^/app-manifests/", status=201, body=body)
    env = EnvFile(tmp_path / ".env")
    saved: list[AppCredentials] = []

    async with httpx.AsyncClient(timeout=30) as client:

        async def exchange(code: str) -> AppCredentials:
            return await convert(client, ghes.api_url, code)

        def save(credentials: AppCredentials) -> None:
            saved.append(credentials)
            env.update(credentials.env())

        flow = ManifestFlow(
            port=8123,
            form_url=f"{ghes.git_url}/settings/apps/new",
            manifest={},
            convert=exchange,
            save=save,
            install_url=lambda slug: f"{ghes.git_url}/apps/{slug}/installations/new",
        )
        transport = httpx.ASGITransport(app=flow.app())
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8123") as ui:
            answer = await ui.get("/callback", params={"code": "abcdef", "state": flow.state})
    assert answer.status_code == 502
    assert field in answer.text
    assert not saved and not env.path.exists() and not flow.done.done()


async def test_a_second_answer_after_success_is_ignored(ghes: FakeGitHub, tmp_path: Path) -> None:
    code = _code(ghes)
    conversions: list[str] = []

    async with httpx.AsyncClient(timeout=30) as client:

        async def exchange(code: str) -> AppCredentials:
            conversions.append(code)
            return await convert(client, ghes.api_url, code)

        flow = ManifestFlow(
            port=8124,
            form_url=f"{ghes.git_url}/settings/apps/new",
            manifest={},
            convert=exchange,
            save=lambda c: EnvFile(tmp_path / ".env").update(c.env()),
            install_url=lambda slug: f"{ghes.git_url}/apps/{slug}/installations/new",
        )
        transport = httpx.ASGITransport(app=flow.app())
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8124") as ui:
            params = {"code": code, "state": flow.state}
            assert (await ui.get("/callback", params=params)).status_code == 200
            written = (tmp_path / ".env").read_text()
            again = await ui.get("/callback", params=params)
    assert again.status_code == 409
    assert conversions == [code]
    assert (tmp_path / ".env").read_text() == written


async def test_a_key_github_does_not_accept_is_reported(ghes: FakeGitHub) -> None:
    code = _code(ghes)
    async with httpx.AsyncClient(timeout=30) as client:
        credentials = await convert(client, ghes.api_url, code)
    assert (await confirm_app(ghes.api_url, credentials)).startswith("Checked:")
    # Another App's id with this key: GitHub refuses the JWT.
    other = credentials.model_copy(update={"id": credentials.id + 1})
    warning = await confirm_app(ghes.api_url, other)
    assert warning.startswith("Warning:") and "AUTOFIX_GITHUB_API_URL" in warning
    assert credentials.pem.get_secret_value().splitlines()[1] not in warning
