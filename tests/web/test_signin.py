"""Sign-in with GitHub and the operator token, tried the way an attacker would."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import redis.asyncio as aioredis
from pydantic import SecretStr

from app.settings import Settings, SettingsError
from app.store import Store, migrate
from app.web.app import create_app
from app.web.auth.config import auth_config, operator_token
from app.web.auth.cookies import CookieSigner
from app.web.auth.gate import token_matches
from app.web.server import app_from_settings
from tests.fakes.github_server import FakeGitHub
from tests.web.conftest import (
    ALSO_VISIBLE,
    HIDDEN,
    OPERATOR_TOKEN,
    PUBLIC_URL,
    Browserless,
    Clock,
    dashboard_settings,
    serving,
)
from tests.web.samples import seed_run

SESSION_COOKIE = "autofix_session"  # its name over plain http, as the tests serve


async def _seed(store: Store) -> dict[str, int]:
    return {
        repo: await seed_run(store, repo, 5, status="unresolved")
        for repo in ("octo/visible", ALSO_VISIBLE, HIDDEN)
    }


def _session_cookie(response: httpx.Response) -> str:
    for header in response.headers.get_list("set-cookie"):
        if header.startswith(SESSION_COOKIE + "="):
            return header
    raise AssertionError(f"no session cookie in {response.headers}")


async def test_without_credentials_every_page_refuses_and_names_no_repository(
    web: Browserless, store: Store
) -> None:
    ids = await _seed(store)
    hidden = ids[HIDDEN]
    for path in ("/", f"/runs/{hidden}", f"/runs/{hidden}/rollouts/r0-0", "/?repo=" + HIDDEN):
        page = await web.client.get(path)
        assert page.status_code == 303, path
        assert page.headers["location"].startswith("/login?next=")
        assert "octo/" not in page.text and "acme/" not in page.text
    for path in ("/api/runs", f"/api/runs/{hidden}", f"/runs/{hidden}/events"):
        answer = await web.client.get(path)
        assert answer.status_code == 401, path
        assert "octo/" not in answer.text and "acme/" not in answer.text
        assert answer.headers["www-authenticate"] == "Bearer"


async def test_signed_in_person_sees_only_repositories_github_lets_them_see(
    web: Browserless, store: Store
) -> None:
    await _seed(store)
    landed = await web.sign_in()
    assert landed.status_code == 303 and landed.headers["location"] == "/"
    cookie = _session_cookie(landed).lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "max-age=" in cookie
    page = await web.client.get("/")
    assert page.status_code == 200
    assert "octo/visible" in page.text and ALSO_VISIBLE in page.text
    assert HIDDEN not in page.text
    api = (await web.client.get("/api/runs")).json()
    assert {run["repo"] for run in api["runs"]} == {"octo/visible", ALSO_VISIBLE}
    # Asking for the hidden repository by name lists nothing rather than widening the view.
    filtered = (await web.client.get("/api/runs", params={"repo": HIDDEN})).json()
    assert filtered["runs"] == []


async def test_a_run_of_a_repository_one_cannot_see_is_indistinguishable_from_none(
    web: Browserless, store: Store
) -> None:
    ids = await _seed(store)
    await web.sign_in()
    hidden, missing = ids[HIDDEN], 999_999
    for template in ("/runs/{}", "/api/runs/{}", "/runs/{}/events", "/runs/{}/rollouts/r0-0"):
        secret = await web.client.get(template.format(hidden))
        absent = await web.client.get(template.format(missing))
        assert secret.status_code == absent.status_code == 404, template
        assert secret.text == absent.text
        assert "secret-plans" not in secret.text


async def test_the_sign_in_state_works_once(web: Browserless) -> None:
    start = await web.client.get("/login")
    binding = web.client.cookies.get("autofix_signin")
    assert binding
    authorize = await web.authorize(start.headers["location"])
    back = urlsplit(authorize.headers["location"])
    first = await web.client.get(f"{back.path}?{back.query}")
    assert first.status_code == 303
    web.client.cookies.clear()
    web.client.cookies.set("autofix_signin", binding, domain="dashboard.test", path="/auth")
    replay = await web.client.get(f"{back.path}?{back.query}")
    assert replay.status_code == 400 and "already used" in replay.text
    assert SESSION_COOKIE not in replay.headers.get("set-cookie", "")


async def test_a_callback_with_another_browsers_state_is_refused(
    web: Browserless, github: FakeGitHub
) -> None:
    # The attacker starts a sign-in of their own and sends the victim the callback link.
    async with httpx.AsyncClient(transport=web.client._transport, base_url=PUBLIC_URL) as attacker:
        theirs = await attacker.get("/login")
    attacker_state = parse_qs(urlsplit(theirs.headers["location"]).query)["state"][0]
    await web.client.get("/login")  # the victim's own, different state
    code = github.oauth.mint_code("mallory", "Iv1.dashboard", f"{PUBLIC_URL}/auth/callback")
    forged = await web.client.get("/auth/callback", params={"code": code, "state": attacker_state})
    assert forged.status_code == 400
    web.client.cookies.clear()
    unbound = await web.client.get("/auth/callback", params={"code": code, "state": attacker_state})
    assert unbound.status_code == 400
    assert SESSION_COOKIE not in unbound.headers.get("set-cookie", "")


@pytest.mark.parametrize("kind", ["garbage", "other-secret", "tampered", "unsigned"])
async def test_forged_and_tampered_session_cookies_are_refused(
    web: Browserless, store: Store, kind: str
) -> None:
    await _seed(store)
    landed = await web.sign_in()
    genuine = _session_cookie(landed).split(";")[0].split("=", 1)[1]
    body, mac = genuine.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    if kind == "garbage":
        value = "not-a-cookie"
    elif kind == "other-secret":
        value = CookieSigner("another-secret-" * 4, "session").sign(
            payload, expires_at=payload["exp"]
        )
    elif kind == "tampered":
        payload["login"] = "admin"
        payload["exp"] = payload["exp"] + 10**6
        raw = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
        value = base64.urlsafe_b64encode(raw).rstrip(b"=").decode() + "." + mac
    else:
        value = body + "."
    web.client.cookies.clear()
    page = await web.client.get("/", headers={"Cookie": f"{SESSION_COOKIE}={value}"})
    assert page.status_code == 303 and "octo/" not in page.text


async def test_an_expired_session_is_checked_against_github_again(
    web: Browserless, store: Store, github: FakeGitHub, clock: Clock
) -> None:
    await _seed(store)
    await web.sign_in()
    github.oauth.withdraw("alice", ALSO_VISIBLE)
    assert ALSO_VISIBLE in (await web.client.get("/")).text, "a fresh session is trusted"
    clock.now += 16 * 60
    page = await web.client.get("/")
    assert page.status_code == 200
    assert ALSO_VISIBLE not in page.text and "octo/visible" in page.text
    assert _session_cookie(page), "the re-checked session gets a fresh cookie"
    github.oauth.revoke_tokens("alice")
    clock.now += 16 * 60
    gone = await web.client.get("/")
    assert gone.status_code == 303 and gone.headers["location"].startswith("/login")


async def test_sign_out_ends_the_session_for_every_copy_of_the_cookie(web: Browserless) -> None:
    landed = await web.sign_in()
    value = _session_cookie(landed).split(";")[0].split("=", 1)[1]
    out = await web.client.post("/logout")
    assert out.status_code == 200
    web.client.cookies.clear()
    again = await web.client.get("/", headers={"Cookie": f"{SESSION_COOKIE}={value}"})
    assert again.status_code == 303


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
async def test_sign_in_only_returns_to_pages_of_this_site(web: Browserless, target: str) -> None:
    landed = await web.sign_in(target)
    assert landed.status_code == 303 and landed.headers["location"] == "/"


async def test_sign_in_returns_to_the_page_asked_for(web: Browserless) -> None:
    first = await web.client.get("/?status=running&repo=octo/visible")
    assert first.status_code == 303
    asked = parse_qs(urlsplit(first.headers["location"]).query)["next"][0]
    assert asked == "/?status=running&repo=octo/visible"
    landed = await web.sign_in(asked)
    assert landed.headers["location"] == asked


async def test_operator_token_sees_everything(web: Browserless, store: Store) -> None:
    ids = await _seed(store)
    bearer = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
    listed = (await web.client.get("/api/runs", headers=bearer)).json()
    assert {run["repo"] for run in listed["runs"]} == {"octo/visible", ALSO_VISIBLE, HIDDEN}
    page = await web.client.get(f"/runs/{ids[HIDDEN]}", headers=bearer)
    assert page.status_code == 200 and HIDDEN in page.text


@pytest.mark.parametrize(
    "given",
    [
        OPERATOR_TOKEN[:-1],
        OPERATOR_TOKEN + "x",
        OPERATOR_TOKEN.upper(),
        "",
        "\u00e9" + OPERATOR_TOKEN,
    ],
)
async def test_near_miss_operator_tokens_are_refused(
    web: Browserless, store: Store, given: str
) -> None:
    await _seed(store)
    answer = await web.client.get(
        "/api/runs", headers={b"Authorization": ("Bearer " + given).encode("latin-1")}
    )
    assert answer.status_code == 401
    assert "octo/" not in answer.text


def test_token_comparison_hashes_both_sides_first() -> None:
    expected = SecretStr("s" * 40)
    assert token_matches("s" * 40, expected)
    for given in ("s" * 39, "s" * 41, "", "\udcff" * 40, "ś" * 40):
        assert not token_matches(given, expected)


def test_sign_in_settings_say_what_to_set(tmp_path: Path, github: FakeGitHub) -> None:
    short = dashboard_settings(tmp_path, "redis://127.0.0.1:1/0", github, session_secret="short")
    with pytest.raises(SettingsError, match="AUTOFIX_SESSION_SECRET"):
        auth_config(short)
    no_url = dashboard_settings(tmp_path, "redis://127.0.0.1:1/0", github, public_url=None)
    with pytest.raises(SettingsError, match="AUTOFIX_PUBLIC_URL"):
        auth_config(no_url)
    weak = dashboard_settings(tmp_path, "redis://127.0.0.1:1/0", github, dashboard_token="secret")
    with pytest.raises(SettingsError, match="AUTOFIX_DASHBOARD_TOKEN"):
        operator_token(weak)
    off = dashboard_settings(tmp_path, "redis://127.0.0.1:1/0", github, github_client_id=None)
    assert auth_config(off) is None


@pytest.mark.parametrize(
    ("api", "web"),
    [
        ("https://api.github.com", "https://github.com"),
        ("https://ghe.example.com/api/v3", "https://ghe.example.com"),
    ],
)
def test_github_web_url_is_derived_from_the_api_url(
    tmp_path: Path, github: FakeGitHub, api: str, web: str
) -> None:
    settings = dashboard_settings(tmp_path, "redis://127.0.0.1:1/0", github, github_api_url=api)
    assert settings.web_url() == web


async def test_without_a_dashboard_the_runs_page_is_closed(redis_url: str) -> None:
    async def ok() -> bool:
        return True

    app = create_app(webhook_secret="w" * 20, redis_url=redis_url, database_ok=ok)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://a") as c:
        assert (await c.get("/")).status_code == 401


async def test_sign_in_works_against_github_enterprise_server(
    tmp_path: Path, fresh_redis_url: str
) -> None:
    with FakeGitHub(tmp_path / "ghes", ghes=True) as ghes:
        ghes.add_repo("corp", "payroll", installation_id=3)
        ghes.oauth.register("Iv1.dashboard", "dashboard-client-secret")
        ghes.oauth.grant("alice", "corp/payroll")
        ghes.oauth.sign_in_as("alice")
        settings = dashboard_settings(tmp_path, fresh_redis_url, ghes)
        assert settings.github_api_url.endswith("/api/v3")
        assert settings.web_url() == ghes.git_url, "web root derived from the API URL"
        assert settings.database_url is not None
        migrate(settings.database_url)
        store = Store.open(settings.database_url)
        await seed_run(store, "corp/payroll", 1, status="unresolved")
        store.close()
        async with serving(app_from_settings(settings), ghes) as web:
            landed = await web.sign_in()
            assert landed.status_code == 303
            listed = (await web.client.get("/api/runs")).json()
    assert [run["repo"] for run in listed["runs"]] == ["corp/payroll"]
    oauth_paths = [r.path for r in ghes.requests if "oauth" in r.path or "/user" in r.path]
    assert "/login/oauth/access_token" in oauth_paths and "/user/installations" in oauth_paths


async def test_starting_sign_in_stores_nothing_until_github_vouches(
    web: Browserless, settings: Settings
) -> None:
    for _ in range(200):
        start = await web.client.get("/login", params={"next": "/" + "x" * 400})
        assert start.status_code == 302
    redis = aioredis.Redis.from_url(settings.redis_url)
    try:
        assert await redis.dbsize() == 0, "unauthenticated requests cannot fill Redis"
        bogus = await web.client.get(
            "/auth/callback",
            params={
                "code": "not-a-code",
                "state": parse_qs(urlsplit(start.headers["location"]).query)["state"][0],
            },
        )
        assert bogus.status_code == 400
        assert await redis.dbsize() == 0, "a code GitHub refuses stores nothing either"
    finally:
        await redis.aclose()


async def test_over_https_the_session_cookie_is_host_locked_and_secure(
    tmp_path: Path, fresh_redis_url: str, github: FakeGitHub
) -> None:
    public = "https://dashboard.test"
    settings = dashboard_settings(tmp_path, fresh_redis_url, github, public_url=public)
    assert settings.database_url is not None
    migrate(settings.database_url)
    async with serving(app_from_settings(settings), github, public) as web:
        landed = await web.sign_in()
        cookie = next(h for h in landed.headers.get_list("set-cookie") if h.startswith("__Host-"))
        attributes = cookie.lower()
        assert "secure" in attributes and "path=/" in attributes and "domain=" not in attributes
        assert (await web.client.get("/")).status_code == 200
        # The same value planted under the plain name (as a sibling subdomain could) is ignored.
        value = cookie.split(";")[0].split("=", 1)[1]
        web.client.cookies.clear()
        planted = await web.client.get("/", headers={"Cookie": f"autofix_session={value}"})
        assert planted.status_code == 303


async def test_every_page_of_installations_and_repositories_is_read(
    web: Browserless, store: Store, github: FakeGitHub
) -> None:
    for n in range(3):
        github.add_repo("octo", f"more{n}", installation_id=1)
        github.oauth.grant("alice", f"octo/more{n}")
    github.max_per_page = 1  # one installation, one repository per page
    await _seed(store)
    for n in range(3):
        await seed_run(store, f"octo/more{n}", 1, status="unresolved")
    await web.sign_in()
    listed = (await web.client.get("/api/runs")).json()
    assert {run["repo"] for run in listed["runs"]} == {
        "octo/visible",
        ALSO_VISIBLE,
        "octo/more0",
        "octo/more1",
        "octo/more2",
    }
    paged = [r.path for r in github.requests if r.path.startswith("/user/installations/1/")]
    assert len(paged) == 4, "four repositories in installation 1, one page each"
