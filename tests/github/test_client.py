"""Client behaviour: capped retries, write pacing, tokens, GHES and settings."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from githubkit.exception import RequestFailed, SecondaryRateLimitExceeded

from app.github import (
    GitHubClients,
    GitHubRepo,
    GitHubSettings,
    GitHubSettingsError,
    PublishRequest,
    api_version,
    publish,
)
from tests.fakes.github_fixtures import FakeClock, app_key_pair, fake_settings
from tests.fakes.github_server import FakeGitHub


@pytest.mark.timeout(30)  # a retry sleeping GitHub's default 60 s fails here
async def test_server_errors_are_retried_a_bounded_number_of_times(
    fake_github: FakeGitHub, app_keys: tuple[str, str]
) -> None:
    fake_github.add_repo("octo", "calc")
    fake_github.fail("GET", r"^/repos/octo/calc$", status=500, times=10)
    settings = fake_settings(fake_github, app_keys[0], max_attempts=3)

    async with GitHubClients(settings) as clients:
        with pytest.raises(RequestFailed):
            await GitHubRepo(clients, 1, "octo", "calc").get_repository()

    assert len([r for r in fake_github.api_requests("GET") if r.path == "/repos/octo/calc"]) == 3


@pytest.mark.timeout(30)  # a retry sleeping GitHub's default 60 s fails here
async def test_a_passing_retry_returns_the_answer(
    fake_github: FakeGitHub, github_clients: GitHubClients
) -> None:
    fake_github.add_repo("octo", "calc")
    fake_github.fail("GET", r"^/repos/octo/calc$", status=502, times=2)

    info = await GitHubRepo(github_clients, 1, "octo", "calc").get_repository()

    assert info.full_name == "octo/calc"


async def test_failed_creates_are_not_repeated(
    fake_github: FakeGitHub, github_clients: GitHubClients
) -> None:
    fake_github.add_repo("octo", "calc")
    fake_github.add_issue("octo", "calc", "Bug")
    fake_github.fail("POST", r"/comments$", status=500)

    with pytest.raises(RequestFailed):
        await GitHubRepo(github_clients, 1, "octo", "calc").create_comment(1, "hello")

    assert len([r for r in fake_github.api_requests("POST") if r.path.endswith("/comments")]) == 1


async def test_long_secondary_rate_limits_fail_fast(
    fake_github: FakeGitHub, github_clients: GitHubClients
) -> None:
    fake_github.add_repo("octo", "calc")
    fake_github.add_issue("octo", "calc", "Bug")
    fake_github.rate_limit_next("POST", r"/comments$", retry_after=60)

    with pytest.raises(SecondaryRateLimitExceeded):
        await GitHubRepo(github_clients, 1, "octo", "calc").create_comment(1, "hello")


@pytest.mark.timeout(30)  # a retry sleeping GitHub's default 60 s fails here
async def test_short_secondary_rate_limits_are_waited_out(
    fake_github: FakeGitHub, github_clients: GitHubClients
) -> None:
    fake_github.add_repo("octo", "calc")
    fake_github.add_issue("octo", "calc", "Bug")
    fake_github.rate_limit_next("POST", r"/comments$", retry_after=0)

    await GitHubRepo(github_clients, 1, "octo", "calc").create_comment(1, "hello")

    assert len(fake_github.comments("octo", "calc", 1)) == 1


async def test_writes_of_one_installation_are_spaced(
    tmp_path: Path, app_keys: tuple[str, str]
) -> None:
    clock = FakeClock()
    with FakeGitHub(tmp_path / "gh", clock=clock) as fake:
        fake.add_repo("octo", "calc")
        fake.add_issue("octo", "calc", "Bug")
        settings = fake_settings(fake, app_keys[0], write_interval_s=1.0)
        async with GitHubClients(settings, clock=clock, sleep=clock.sleep) as clients:
            repo = GitHubRepo(clients, 1, "octo", "calc")
            for i in range(4):
                await repo.create_comment(1, f"c{i}")
                await repo.get_issue(1)

    writes = [r.at for r in fake.api_requests("POST") if r.path.endswith("/comments")]
    reads = fake.api_requests("GET")
    assert len(writes) == 4
    assert all(b - a >= 1.0 for a, b in itertools.pairwise(writes))
    assert writes[-1] - writes[0] == pytest.approx(3.0)
    assert len(reads) == 4  # reads are not paced: no sleep was added for them
    assert sum(clock.sleeps) == pytest.approx(3.0)


async def test_ghes_base_url_works_and_pins_the_api_version(
    tmp_path: Path, app_keys: tuple[str, str]
) -> None:
    with FakeGitHub(tmp_path / "ghes", ghes=True, app_public_key=app_keys[1]) as fake:
        fake.add_repo("corp", "tool", files={".github/autofix.yml": "rollouts: 1\n"})
        fake.add_issue("corp", "tool", "Crash")
        assert fake.api_url.endswith("/api/v3")
        patch = (
            "diff --git a/fix.txt b/fix.txt\nnew file mode 100644\n--- /dev/null\n"
            "+++ b/fix.txt\n@@ -0,0 +1 @@\n+fixed\n"
        )
        async with GitHubClients(fake_settings(fake, app_keys[0])) as clients:
            repo = GitHubRepo(clients, 1, "corp", "tool")
            config = await repo.get_config_file()
            await repo.upsert_status_comment(1, "r1", "working")
            result = await publish(
                repo, PublishRequest(issue_number=1, issue_title="Crash", patch=patch, body="b")
            )
        pushed = fake.file_at("corp", "tool", "autofix/issue-1", "fix.txt")

    assert config is not None and config.text == "rollouts: 1\n"
    assert (result.created, pushed) == (True, "fixed\n")
    versions = {r.api_version for r in fake.api_requests()}
    assert versions == {"2022-11-28"}
    assert any(r.path.startswith("/app/installations/") for r in fake.api_requests("POST"))


def test_api_version_is_chosen_by_base_url() -> None:
    assert api_version("https://api.github.com") == "2026-03-10"
    assert api_version("https://ghe.example.com/api/v3") == "2022-11-28"
    assert api_version("https://ghe.example.com/api/v3/") == "2022-11-28"


async def test_installation_token_is_cached_until_near_expiry(
    fake_github: FakeGitHub, app_keys: tuple[str, str]
) -> None:
    now = [datetime.now(UTC)]
    settings = fake_settings(fake_github, app_keys[0])
    async with GitHubClients(settings, now=lambda: now[0]) as clients:
        first = await clients.installation_token(1)
        again = await clients.installation_token(1)
        now[0] += timedelta(minutes=56)  # tokens last an hour; refresh 5 minutes early
        later = await clients.installation_token(1)

    assert first == again
    assert later != first
    assert first.startswith("ghs_")
    assert clients.tokens.minted == 2


async def test_revoked_token_is_replaced_once(
    fake_github: FakeGitHub, github_clients: GitHubClients
) -> None:
    fake_github.add_repo("octo", "calc")
    repo = GitHubRepo(github_clients, 1, "octo", "calc")
    await repo.get_repository()
    fake_github.expire_tokens()

    info = await repo.get_repository()

    assert info.name == "calc"
    assert github_clients.tokens.minted == 2


def test_settings_from_env_accept_a_key_file(tmp_path: Path, app_keys: tuple[str, str]) -> None:
    key = tmp_path / "app.pem"
    key.write_text(app_keys[0])
    env = {
        "AUTOFIX_GITHUB_APP_ID": "123",
        "AUTOFIX_GITHUB_PRIVATE_KEY": str(key),
        "AUTOFIX_GITHUB_API_URL": "https://ghe.example.com/api/v3",
    }

    settings = GitHubSettings.from_env(env)

    assert settings.app_id == 123
    assert settings.private_key.get_secret_value() == app_keys[0]
    assert "BEGIN" not in repr(settings)


def test_settings_from_env_say_what_is_missing(app_keys: tuple[str, str]) -> None:
    with pytest.raises(GitHubSettingsError, match="AUTOFIX_GITHUB_APP_ID"):
        GitHubSettings.from_env({"AUTOFIX_GITHUB_PRIVATE_KEY": app_keys[0]})
    with pytest.raises(GitHubSettingsError, match="neither PEM text nor a readable file"):
        GitHubSettings.from_env(
            {"AUTOFIX_GITHUB_APP_ID": "1", "AUTOFIX_GITHUB_PRIVATE_KEY": "/no/such.pem"}
        )
    escaped = app_keys[0].replace("\n", "\\n")
    settings = GitHubSettings.from_env(
        {"AUTOFIX_GITHUB_APP_ID": "1", "AUTOFIX_GITHUB_PRIVATE_KEY": escaped}
    )
    assert settings.private_key.get_secret_value().startswith("-----BEGIN PRIVATE KEY-----\n")


async def test_a_rotated_app_key_is_used_at_once(fake_github: FakeGitHub) -> None:
    fake_github.add_repo("octo", "calc")
    old_key, _ = app_key_pair()
    new_key, new_public = app_key_pair()
    fake_github.auth.public_key = new_public
    async with GitHubClients(fake_settings(fake_github, old_key)) as old:
        with pytest.raises(RequestFailed):
            await old.installation_token(1)
    async with GitHubClients(fake_settings(fake_github, new_key)) as new:
        assert (await new.installation_token(1)).startswith("ghs_")


async def test_pacing_is_per_installation(tmp_path: Path, app_keys: tuple[str, str]) -> None:
    clock = FakeClock()
    with FakeGitHub(tmp_path / "gh", clock=clock) as fake:
        fake.add_repo("octo", "calc", installation_id=1)
        fake.add_repo("other", "lib", installation_id=2)
        fake.add_issue("octo", "calc", "Bug")
        fake.add_issue("other", "lib", "Bug")
        settings = fake_settings(fake, app_keys[0], write_interval_s=1.0)
        async with GitHubClients(settings, clock=clock, sleep=clock.sleep) as clients:
            await GitHubRepo(clients, 1, "octo", "calc").create_comment(1, "a")
            await GitHubRepo(clients, 2, "other", "lib").create_comment(1, "b")
            await GitHubRepo(clients, 1, "octo", "calc").create_comment(1, "c")

    assert clock.sleeps == [pytest.approx(1.0)]
