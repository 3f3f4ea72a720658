"""The environment contract: read once, validated, placeholders refused for services."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.settings import Settings, SettingsError, load_settings

PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----"
VARS = (
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_BASE_URL",
    "AUTOFIX_GITHUB_APP_ID",
    "AUTOFIX_GITHUB_PRIVATE_KEY",
    "AUTOFIX_WEBHOOK_SECRET",
    "AUTOFIX_GITHUB_API_URL",
    "AUTOFIX_REDIS_URL",
    "AUTOFIX_DATABASE_URL",
    "AUTOFIX_SANDBOX_IMAGE",
    "AUTOFIX_SANDBOX_SCOPE",
    "AUTOFIX_WORK_DIR",
    "AUTOFIX_ALLOWED_MODELS",
    "AUTOFIX_ALLOW_REPO_PRICES",
    "AUTOFIX_MAX_BUDGET_USD",
    "AUTOFIX_MAX_PATCH_BYTES",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    for name in VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return monkeypatch


def service_env(env: pytest.MonkeyPatch, secret: str = "3f1c9a7e5b2d4c6e8a0b") -> None:
    env.setenv("AUTOFIX_GITHUB_APP_ID", "12345")
    env.setenv("AUTOFIX_GITHUB_PRIVATE_KEY", PEM)
    env.setenv("AUTOFIX_WEBHOOK_SECRET", secret)


def test_defaults_need_nothing_set(tmp_path: Path) -> None:
    settings = load_settings()
    assert settings.anthropic_api_key is None
    assert settings.github_api_url == "https://api.github.com"
    assert settings.database_url == f"sqlite:///{tmp_path / '.autofix' / 'autofix.db'}"
    assert settings.sandbox_image == "autofix-sandbox:bookworm"
    assert settings.sandbox_scope == "autofix"


def test_reads_the_documented_variables(clean_env: pytest.MonkeyPatch) -> None:
    service_env(clean_env)
    clean_env.setenv("ANTHROPIC_API_KEY", "sk-test")
    clean_env.setenv("ANTHROPIC_BASE_URL", "http://127.0.0.1:9")
    clean_env.setenv("AUTOFIX_GITHUB_API_URL", "https://ghe.example/api/v3")
    clean_env.setenv("AUTOFIX_REDIS_URL", "redis://127.0.0.1:7000/1")
    clean_env.setenv("AUTOFIX_DATABASE_URL", "postgresql+psycopg://u@h/db")
    clean_env.setenv("AUTOFIX_SANDBOX_SCOPE", "autofix-staging")
    settings = load_settings()
    assert settings.anthropic_api_key is not None
    assert settings.anthropic_api_key.get_secret_value() == "sk-test"
    assert settings.anthropic_base_url == "http://127.0.0.1:9"
    assert settings.github_app_id == 12345
    assert settings.redis_url == "redis://127.0.0.1:7000/1"
    assert settings.database_url == "postgresql+psycopg://u@h/db"
    assert settings.sandbox_scope == "autofix-staging"
    settings.require_service()
    github = settings.github()
    assert github.api_url == "https://ghe.example/api/v3" and github.app_id == 12345


def test_private_key_may_be_a_file_path(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    key = tmp_path / "app.pem"
    key.write_text(PEM + "\n")
    clean_env.setenv("AUTOFIX_GITHUB_PRIVATE_KEY", str(key))
    settings = load_settings()
    assert settings.github_private_key is not None
    assert settings.github_private_key.get_secret_value().startswith("-----BEGIN")


def test_private_key_that_is_neither_is_refused(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("AUTOFIX_GITHUB_PRIVATE_KEY", "/nowhere/app.pem")
    with pytest.raises(SettingsError, match="AUTOFIX_GITHUB_PRIVATE_KEY"):
        load_settings()


def test_bad_app_id_names_the_variable(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("AUTOFIX_GITHUB_APP_ID", "my-app")
    with pytest.raises(SettingsError, match="AUTOFIX_GITHUB_APP_ID"):
        load_settings()


@pytest.mark.parametrize("secret", ["changeme", "CHANGEME", "secret", "your-webhook-secret"])
def test_services_refuse_placeholder_secrets(clean_env: pytest.MonkeyPatch, secret: str) -> None:
    service_env(clean_env, secret=secret)
    with pytest.raises(SettingsError, match="placeholder"):
        load_settings().require_service()


def test_services_list_everything_missing() -> None:
    with pytest.raises(SettingsError) as info:
        Settings().require_service()
    text = str(info.value)
    for name in ("AUTOFIX_GITHUB_APP_ID", "AUTOFIX_GITHUB_PRIVATE_KEY", "AUTOFIX_WEBHOOK_SECRET"):
        assert name in text


@pytest.mark.parametrize("scope", ["", "has space", "-leading-dash", "x" * 65])
def test_bad_sandbox_scope_names_the_variable(clean_env: pytest.MonkeyPatch, scope: str) -> None:
    clean_env.setenv("AUTOFIX_SANDBOX_SCOPE", scope)
    with pytest.raises(SettingsError, match="AUTOFIX_SANDBOX_SCOPE"):
        load_settings()


def test_operator_policy_defaults_to_the_default_model_only() -> None:
    policy = load_settings().policy()
    assert policy.allowed_models == ("anthropic:claude-sonnet-4-6",)
    # Repository writers spend the operator's key: a ceiling applies even when none is set.
    assert not policy.allow_repo_prices and policy.max_budget_usd == 20.0
    assert load_settings().max_patch_bytes == 1024 * 1024


def test_operator_policy_reads_its_variables(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv(
        "AUTOFIX_ALLOWED_MODELS",
        "anthropic:claude-sonnet-4-6, openai:qwen2.5-coder@http://vllm.internal:8000/v1",
    )
    clean_env.setenv("AUTOFIX_ALLOW_REPO_PRICES", "true")
    clean_env.setenv("AUTOFIX_MAX_BUDGET_USD", "25")
    policy = load_settings().policy()
    assert policy.allowed_models == (
        "anthropic:claude-sonnet-4-6",
        "openai:qwen2.5-coder@http://vllm.internal:8000/v1",
    )
    assert policy.allow_repo_prices and policy.max_budget_usd == 25


@pytest.mark.parametrize("value", ["", "gpt:x", "anthropic:x@ftp://host"])
def test_bad_allowed_models_names_the_variable(clean_env: pytest.MonkeyPatch, value: str) -> None:
    clean_env.setenv("AUTOFIX_ALLOWED_MODELS", value)
    with pytest.raises(SettingsError, match="AUTOFIX_ALLOWED_MODELS"):
        load_settings()


@pytest.mark.parametrize(
    ("variable", "url"),
    [
        ("AUTOFIX_DATABASE_URL", "postgresql://autofix:autofix@postgres:5432/autofix"),
        ("AUTOFIX_REDIS_URL", "redis://:changeme@redis:6379/0"),
        ("AUTOFIX_REDIS_URL", "redis://default:password@redis:6379/0"),
    ],
)
def test_services_refuse_placeholder_passwords_for_redis_and_the_database(
    clean_env: pytest.MonkeyPatch, variable: str, url: str
) -> None:
    service_env(clean_env)
    clean_env.setenv(variable, url)
    with pytest.raises(SettingsError, match=f"{variable} carries a placeholder password"):
        load_settings().require_service()


def test_services_accept_generated_passwords(
    clean_env: pytest.MonkeyPatch,
) -> None:
    service_env(clean_env)
    clean_env.setenv("AUTOFIX_REDIS_URL", "redis://:9f2c4e1a7b3d5f60@redis:6379/0")
    clean_env.setenv("AUTOFIX_DATABASE_URL", "postgresql://autofix:0d8e6b2a4c@postgres/autofix")
    load_settings().require_service()
