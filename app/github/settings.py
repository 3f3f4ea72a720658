"""How autofix reaches GitHub: the App identity, the API address and request behaviour."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator


class GitHubSettingsError(ValueError):
    """The GitHub settings are missing or malformed."""


class GitHubSettings(BaseModel):
    """Settings for the GitHub clients; built by the composition root, never read at import."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    app_id: int = Field(gt=0)
    """The GitHub App's numeric id (AUTOFIX_GITHUB_APP_ID)."""
    private_key: SecretStr
    """The App's private key as PEM text (a file path is resolved by `from_env`)."""
    api_url: str = "https://api.github.com"
    """REST API root; GitHub Enterprise Server uses https://HOST/api/v3."""
    api_version: str | None = None
    """X-GitHub-Api-Version to send; None picks one from `api_url` (see `client.api_version`)."""
    timeout_s: float = Field(default=30.0, gt=0)
    """Timeout for each HTTP request to the API."""
    write_interval_s: float = Field(default=1.0, ge=0)
    """Minimum spacing of content-creating requests (POST/PATCH/PUT/DELETE) per installation."""
    max_attempts: int = Field(default=3, ge=1, le=10)
    """Attempts per request, the first included, for retryable failures."""
    max_retry_wait_s: float = Field(default=5.0, ge=0, le=30)
    """Longest single wait before a retry; rate limits asking for more are not retried."""
    retry_base_s: float = Field(default=0.5, ge=0)
    """First back-off delay after a server error; doubles per attempt up to the cap."""
    user_agent: str = "autofix"
    """User-Agent sent with every request."""

    @field_validator("private_key")
    @classmethod
    def _looks_like_pem(cls, value: SecretStr) -> SecretStr:
        if "-----BEGIN" not in value.get_secret_value():
            raise ValueError(
                "the GitHub App private key is not PEM text; pass the .pem file's contents "
                "or its path in AUTOFIX_GITHUB_PRIVATE_KEY"
            )
        return value

    @classmethod
    def from_env(cls, env: Mapping[str, str], **overrides: object) -> GitHubSettings:
        """Read AUTOFIX_GITHUB_APP_ID, AUTOFIX_GITHUB_PRIVATE_KEY and AUTOFIX_GITHUB_API_URL."""
        missing = [
            name
            for name in ("AUTOFIX_GITHUB_APP_ID", "AUTOFIX_GITHUB_PRIVATE_KEY")
            if not env.get(name)
        ]
        if missing:
            raise GitHubSettingsError(
                f"{' and '.join(missing)} not set: copy them from the GitHub App's settings page"
            )
        app_id = env["AUTOFIX_GITHUB_APP_ID"].strip()
        if not app_id.isdigit():
            raise GitHubSettingsError(
                f"AUTOFIX_GITHUB_APP_ID must be the App's numeric id, got {app_id!r}"
            )
        values: dict[str, object] = {
            "app_id": int(app_id),
            "private_key": load_private_key(env["AUTOFIX_GITHUB_PRIVATE_KEY"]),
        }
        if env.get("AUTOFIX_GITHUB_API_URL"):
            values["api_url"] = env["AUTOFIX_GITHUB_API_URL"]
        values.update(overrides)
        return cls.model_validate(values)


def load_private_key(value: str) -> str:
    """Accept PEM text (literal \\n escapes too, as some secret stores send) or a file path."""
    text = value.strip()
    if text.startswith("-----BEGIN"):
        return text.replace("\\n", "\n") + "\n"
    path = Path(text).expanduser()
    if not path.is_file():
        raise GitHubSettingsError(
            "AUTOFIX_GITHUB_PRIVATE_KEY is neither PEM text nor a readable file "
            f"({path}); download the key from the App's settings page"
        )
    return path.read_text()
