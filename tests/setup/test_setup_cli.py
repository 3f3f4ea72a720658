"""`autofix setup` end to end against the fake GitHub: form, redirect, conversion, env file."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

import httpx

from tests.fakes.github_server import FakeGitHub
from tests.setup.process import ROOT, SetupProcess, register

PUBLIC = "https://autofix.example.com"
IDENTITY = {
    "AUTOFIX_GITHUB_APP_ID",
    "AUTOFIX_GITHUB_PRIVATE_KEY",
    "AUTOFIX_WEBHOOK_SECRET",
    "AUTOFIX_GITHUB_CLIENT_ID",
    "AUTOFIX_GITHUB_CLIENT_SECRET",
}


def _args(ghes: FakeGitHub, env_file: Path, *extra: str) -> list[str]:
    return [
        "--public-url",
        PUBLIC,
        "--github-url",
        ghes.git_url,
        "--env-file",
        str(env_file),
        *extra,
    ]


def _shell_env(env_file: Path) -> dict[str, str]:
    """The file as a shell sees it (`set -a; . FILE`), which is also how compose reads quotes."""
    script = f"set -a; . '{env_file}'; env -0"
    out = subprocess.run(["sh", "-c", script], capture_output=True, check=True, env={}).stdout
    pairs = (item.split("=", 1) for item in out.decode().split("\0") if "=" in item)
    return {k: v for k, v in pairs if k.startswith("AUTOFIX_")}


def test_setup_registers_the_app_and_stores_it_privately(ghes: FakeGitHub, tmp_path: Path) -> None:
    env_file = tmp_path / "autofix.env"
    with SetupProcess(_args(ghes, env_file), cwd=tmp_path) as setup:
        with httpx.Client(timeout=30) as browser:
            done = register(browser, setup.local_url())
        assert done.status_code == 200, done.text
        assert setup.wait() == 0, setup.output()

    (app,) = ghes.manifest_apps.apps
    manifest = app.manifest
    local = setup.local_url()
    assert manifest["hook_attributes"]["url"] == f"{PUBLIC}/webhook"
    assert manifest["redirect_url"] == f"{local}callback"
    assert manifest["callback_urls"] == [f"{PUBLIC}/auth/callback"]
    assert manifest["setup_url"] == f"{PUBLIC}/"
    assert manifest["default_permissions"]["statuses"] == "read"
    # Write only so that a failed Actions job can be re-run once, to tell a flake from a failure.
    assert manifest["default_permissions"]["actions"] == "write"
    assert ghes.manifest_apps.forms[0]["org"] is None

    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    values = _shell_env(env_file)
    assert set(values) >= IDENTITY
    assert values["AUTOFIX_GITHUB_APP_ID"] == str(app.id)
    assert values["AUTOFIX_WEBHOOK_SECRET"] == app.webhook_secret
    assert values["AUTOFIX_GITHUB_CLIENT_ID"] == app.client_id
    assert values["AUTOFIX_GITHUB_CLIENT_SECRET"] == app.client_secret
    assert values["AUTOFIX_GITHUB_API_URL"] == f"{ghes.git_url}/api/v3"
    assert values["AUTOFIX_GITHUB_WEB_URL"] == ghes.git_url
    assert values["AUTOFIX_PUBLIC_URL"] == PUBLIC
    assert len(values["AUTOFIX_SESSION_SECRET"]) == 64

    printed = setup.output()
    assert f"{ghes.git_url}/apps/{app.slug}/installations/new" in printed
    assert f"Checked: GitHub accepts the new key for {app.slug}." in printed
    assert any(r.method == "GET" and r.path == "/app" for r in ghes.requests)
    for secret in (app.webhook_secret, app.client_secret, app.pem.splitlines()[1]):
        assert secret not in printed
        assert secret not in done.text


def test_the_written_key_is_the_one_settings_load(ghes: FakeGitHub, tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    with SetupProcess(_args(ghes, env_file), cwd=tmp_path) as setup:
        with httpx.Client(timeout=30) as browser:
            register(browser, setup.local_url())
        assert setup.wait() == 0, setup.output()
    probe = (
        "from app.settings import load_settings; s = load_settings(); s.require_service(); "
        "print(s.github_private_key.get_secret_value(), end='')"
    )
    script = f'set -a; . \'{env_file}\'; exec "$0" -c "$1"'
    import sys

    out = subprocess.run(
        ["sh", "-c", script, sys.executable, probe],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ghes.manifest_apps.apps[0].pem.strip()


def test_an_organisation_gets_the_organisation_form(ghes: FakeGitHub, tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    with SetupProcess(_args(ghes, env_file, "--org", "octo-org"), cwd=tmp_path) as setup:
        with httpx.Client(timeout=30) as browser:
            register(browser, setup.local_url())
        assert setup.wait() == 0, setup.output()
    assert ghes.manifest_apps.forms[0]["org"] == "octo-org"
    assert ghes.manifest_apps.apps[0].owner == "octo-org"


def test_a_wrong_state_is_refused_and_the_flow_goes_on(ghes: FakeGitHub, tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    with SetupProcess(_args(ghes, env_file), cwd=tmp_path) as setup:
        local = setup.local_url()
        with httpx.Client(timeout=30) as browser:
            forged = browser.get(f"{local}callback", params={"code": "abc", "state": "guess"})
            assert forged.status_code == 400
            assert "state" in forged.text
            assert not env_file.exists()
            assert not ghes.api_requests("POST")  # nothing was converted
            assert register(browser, local).status_code == 200
        assert setup.wait() == 0, setup.output()
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    assert "refused an answer whose state is not this setup's" in setup.stderr


def test_another_host_name_gets_no_page(ghes: FakeGitHub, tmp_path: Path) -> None:
    # A site that points its own name at 127.0.0.1 must not read the state from the page.
    with SetupProcess(_args(ghes, tmp_path / ".env", "--timeout", "20"), cwd=tmp_path) as setup:
        local = setup.local_url()
        answer = httpx.get(local, headers={"Host": "rebound.example:80"})
        assert answer.status_code == 421
        assert "state" not in answer.text
        setup.proc.terminate()


def test_existing_identity_is_kept_without_overwrite(ghes: FakeGitHub, tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("AUTOFIX_GITHUB_APP_ID=17\nOTHER=1\n")
    with SetupProcess(_args(ghes, env_file), cwd=tmp_path) as setup:
        assert setup.wait() == 2
    assert "AUTOFIX_GITHUB_APP_ID" in setup.stderr and "--overwrite" in setup.stderr
    assert env_file.read_text() == "AUTOFIX_GITHUB_APP_ID=17\nOTHER=1\n"
    assert not ghes.manifest_apps.forms

    env_file.chmod(0o644)
    with SetupProcess(_args(ghes, env_file, "--overwrite"), cwd=tmp_path) as setup:
        with httpx.Client(timeout=30) as browser:
            register(browser, setup.local_url())
        assert setup.wait() == 0, setup.output()
    values = _shell_env(env_file)
    assert values["AUTOFIX_GITHUB_APP_ID"] == str(ghes.manifest_apps.apps[0].id)
    assert "OTHER=1" in env_file.read_text().splitlines()
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600


def test_bad_flags_say_what_to_fix(tmp_path: Path) -> None:
    cases = {
        ("--public-url", "ftp://x"): "--public-url",
        ("--public-url", "http://autofix.example.com"): "https://",
        ("--public-url", PUBLIC, "--github-url", "http://ghe.example.com"): "https://",
        ("--public-url", PUBLIC, "--org", "../../settings"): "--org",
    }
    for args, needle in cases.items():
        with SetupProcess([*args, "--env-file", str(tmp_path / ".env")], cwd=tmp_path) as setup:
            assert setup.wait() == 2, args
        assert needle in setup.stderr, (args, setup.stderr)
    assert not (tmp_path / ".env").exists()


def test_no_answer_in_time_writes_nothing(ghes: FakeGitHub, tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    with SetupProcess(_args(ghes, env_file, "--timeout", "1"), cwd=tmp_path) as setup:
        assert setup.wait() == 1
    assert "nothing was written" in setup.stderr
    assert not env_file.exists() and not ghes.manifest_apps.forms


def test_a_missing_manifest_names_the_flag(ghes: FakeGitHub, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.json"
    with SetupProcess(
        _args(ghes, tmp_path / ".env", "--manifest", str(missing)), cwd=tmp_path
    ) as setup:
        assert setup.wait() == 2
    assert "--manifest" in setup.stderr


def test_another_public_url_in_the_file_needs_overwrite(ghes: FakeGitHub, tmp_path: Path) -> None:
    # The App's webhook would point elsewhere than the deployment believes it lives.
    env_file = tmp_path / ".env"
    env_file.write_text("AUTOFIX_PUBLIC_URL=https://old.example\n")
    with SetupProcess(_args(ghes, env_file), cwd=tmp_path) as setup:
        assert setup.wait() == 2
    assert "AUTOFIX_PUBLIC_URL" in setup.stderr and "--overwrite" in setup.stderr
    env_file.write_text(f"AUTOFIX_PUBLIC_URL={PUBLIC}\nAUTOFIX_SESSION_SECRET=kept\n")
    with SetupProcess(_args(ghes, env_file), cwd=tmp_path) as setup:
        with httpx.Client(timeout=30) as browser:
            register(browser, setup.local_url())
        assert setup.wait() == 0, setup.output()
    values = _shell_env(env_file)
    assert values["AUTOFIX_PUBLIC_URL"] == PUBLIC and values["AUTOFIX_SESSION_SECRET"] == "kept"
