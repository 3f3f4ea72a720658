"""Images, setup secrets and the setup network are the operator's to allow, never a repository's."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import ConfigError, parse_repo_config
from app.config.policy import apply_policy
from app.environment import setup_options, setup_secrets
from app.settings import Settings, SettingsError, load_settings

SECRET = "s3cr3t-registry-token-4d1f"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    for name in ("AUTOFIX_ALLOWED_IMAGES", "AUTOFIX_SETUP_NETWORK", "AUTOFIX_SANDBOX_IMAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return monkeypatch


@pytest.mark.parametrize(
    "image",
    [
        "attacker/with-a-backdoor:latest",
        "autofix-env:0123456789abcdef0123456789abcdef",  # another repository's environment
        "autofix-ws:0123456789abcdef0123456789abcdef",
        "sha256:0f04e708a46a0f04e708a46a0f04e708a46a0f04e708a46a0f04e708a46a0f04",
    ],
)
def test_images_off_the_allow_list_are_config_errors_naming_the_key(image: str) -> None:
    config = parse_repo_config(f"sandbox:\n  image: '{image}'\n")
    with pytest.raises(ConfigError) as refused:
        apply_policy(config, Settings().policy(), ".github/autofix.yml", "octo/calc")
    message = str(refused.value)
    assert "`sandbox.image`" in message and "AUTOFIX_ALLOWED_IMAGES" in message


def test_built_environments_stay_refused_even_when_listed(clean_env: pytest.MonkeyPatch) -> None:
    built = "autofix-env:0123456789abcdef0123456789abcdef"
    clean_env.setenv("AUTOFIX_ALLOWED_IMAGES", built)
    config = parse_repo_config(f"sandbox:\n  image: '{built}'\n")
    with pytest.raises(ConfigError):
        apply_policy(config, Settings().policy(), ".github/autofix.yml", "octo/calc")


def test_the_deployment_image_and_listed_images_are_allowed(
    clean_env: pytest.MonkeyPatch,
) -> None:
    clean_env.setenv("AUTOFIX_ALLOWED_IMAGES", "autofix-sandbox:polyglot, team/node:20")
    policy = Settings().policy()
    for text in (
        "",
        "sandbox:\n  image: autofix-sandbox:bookworm\n",
        "sandbox:\n  image: autofix-sandbox:polyglot\n",
        "sandbox:\n  image: team/node:20\n",
    ):
        apply_policy(parse_repo_config(text), policy, ".github/autofix.yml", "octo/calc")
    assert policy.allowed_images == (
        "autofix-sandbox:bookworm",
        "autofix-sandbox:polyglot",
        "team/node:20",
    )


def test_setup_secrets_come_from_the_operator_and_stay_hidden(
    clean_env: pytest.MonkeyPatch,
) -> None:
    clean_env.setenv("AUTOFIX_SETUP_SECRET_NPM_TOKEN", SECRET)
    settings = Settings()
    config = parse_repo_config("sandbox:\n  setup_secrets: [NPM_TOKEN]\n")
    values = setup_secrets(config, settings)
    assert {name: v.get_secret_value() for name, v in values.items()} == {"NPM_TOKEN": SECRET}
    for shown in (repr(settings), str(settings), settings.model_dump_json(), repr(values)):
        assert SECRET not in shown
    # A repository lists only names: nothing it does not list reaches its setup.
    assert setup_secrets(parse_repo_config(""), settings) == {}


def test_unknown_setup_secrets_are_config_errors_naming_the_variable() -> None:
    config = parse_repo_config("sandbox:\n  setup_secrets: [PYPI_TOKEN]\n")
    with pytest.raises(ConfigError) as missing:
        setup_options(config, Settings(), None, service=False, repository=None)
    assert "AUTOFIX_SETUP_SECRET_PYPI_TOKEN" in str(missing.value)
    assert "`sandbox.setup_secrets`" in str(missing.value)


def test_a_repository_cannot_choose_the_setup_network() -> None:
    with pytest.raises(ConfigError, match="sandbox"):
        parse_repo_config("sandbox:\n  setup_network: host\n")
    options = setup_options(
        parse_repo_config("sandbox:\n  toolchains: [go, node]\n"),
        Settings(setup_network="none"),
        None,
        service=True,
        repository="octo/app",
    )
    assert options.network == "none"
    assert options.toolchains == ("go", "node")
    assert options.identity == "api.github.com/octo/app"
    assert options.allowed_bases == ("autofix-sandbox:bookworm",)


def test_unknown_setup_secrets_are_refused_before_any_run(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("AUTOFIX_SETUP_SECRET_NPM_TOKEN", SECRET)
    clean_env.setenv("AUTOFIX_SECRET_REPOSITORIES", "NPM_TOKEN=octo/*")
    policy = Settings().policy()
    assert SECRET not in policy.model_dump_json()
    known = parse_repo_config("sandbox:\n  setup_secrets: [NPM_TOKEN]\n")
    apply_policy(known, policy, ".github/autofix.yml", "octo/calc")
    unknown = parse_repo_config("sandbox:\n  setup_secrets: [NPM_TOKEN, AWS_KEY]\n")
    with pytest.raises(ConfigError, match="AUTOFIX_SETUP_SECRET_AWS_KEY"):
        apply_policy(unknown, policy, ".github/autofix.yml", "octo/calc")


@pytest.mark.parametrize(("name", "value"), [("NPM_TOKEN", "x7q2v9k"), ("npm_token", SECRET)])
def test_unusable_setup_secrets_stop_the_service_naming_the_variable(
    clean_env: pytest.MonkeyPatch, name: str, value: str
) -> None:
    clean_env.setenv(f"AUTOFIX_SETUP_SECRET_{name}", value)
    with pytest.raises(SettingsError) as refused:
        load_settings()
    assert f"AUTOFIX_SETUP_SECRET_{name}" in str(refused.value)
    assert value not in str(refused.value).replace(f"AUTOFIX_SETUP_SECRET_{name}", "")


def test_a_secret_goes_only_to_the_repositories_the_operator_names(
    clean_env: pytest.MonkeyPatch,
) -> None:
    clean_env.setenv("AUTOFIX_SETUP_SECRET_NPM_TOKEN", SECRET)
    clean_env.setenv("AUTOFIX_SECRET_REPOSITORIES", "NPM_TOKEN=acme/*, NPM_TOKEN=Octo/Calc")
    policy = Settings().policy()
    config = parse_repo_config("sandbox:\n  setup_secrets: [NPM_TOKEN]\n")
    for repository in ("acme/web", "ACME/api", "octo/calc"):
        apply_policy(config, policy, ".github/autofix.yml", repository)
    for repository in ("octo/calculator", "acme-evil/web", "evil/acme"):
        with pytest.raises(ConfigError, match=f"does not give to {repository}"):
            apply_policy(config, policy, ".github/autofix.yml", repository)


@pytest.mark.parametrize("value", ["NPM_TOKEN", "NPM_TOKEN=*", "NPM_TOKEN=*/*", "npm=acme/*"])
def test_a_secret_scope_that_is_not_a_repository_stops_the_service(
    clean_env: pytest.MonkeyPatch, value: str
) -> None:
    clean_env.setenv("AUTOFIX_SECRET_REPOSITORIES", value)
    with pytest.raises(ValueError, match="AUTOFIX_SECRET_REPOSITORIES"):
        Settings()
