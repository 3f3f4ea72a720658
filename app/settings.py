"""The environment contract, validated once in `main` and passed to whatever needs it."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from app.config.policy import OperatorPolicy
from app.config.schema import DEFAULT_IMAGE, DEFAULT_MODEL

if TYPE_CHECKING:
    from app.github.settings import GitHubSettings

# Values people leave in from examples; a service must not start with them.
PLACEHOLDERS = frozenset(
    {"changeme", "change-me", "change_me", "secret", "password", "placeholder", "todo", "xxx"}
)


SETUP_SECRET_PREFIX = "AUTOFIX_SETUP_SECRET_"


class SettingsError(Exception):
    """The environment is missing something or holds a placeholder; says what to set."""


class Settings(BaseSettings):
    """Everything autofix reads from the environment (never at import time)."""

    model_config = SettingsConfigDict(env_prefix="AUTOFIX_", extra="ignore", frozen=True)

    anthropic_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("ANTHROPIC_API_KEY")
    )
    """Key for the Anthropic API; only needed for `anthropic:` models."""
    anthropic_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("ANTHROPIC_BASE_URL")
    )
    """Alternative Messages API address (a proxy, a gateway, a local fake)."""
    github_app_id: int | None = Field(default=None, gt=0)
    """The GitHub App's numeric id."""
    github_private_key: SecretStr | None = None
    """The App's private key: PEM text, or the path of a .pem file (read at validation)."""
    webhook_secret: SecretStr | None = None
    """The secret GitHub signs webhook deliveries with."""
    github_api_url: str = "https://api.github.com"
    """REST API root; GitHub Enterprise Server uses https://HOST/api/v3."""
    redis_url: str = "redis://127.0.0.1:6379/0"
    """Queue between the webhook service and the workers."""
    database_url: str | None = None
    """Run store; defaults to a SQLite file in the work dir."""
    sandbox_image: str = DEFAULT_IMAGE
    """Default sandbox image when a repository does not set `sandbox.image`."""
    allowed_images: Annotated[tuple[str, ...], NoDecode] = ()
    """Images a repository may name in `sandbox.image` or a Dockerfile's FROM (comma-separated);
    empty allows only `sandbox_image`."""
    setup_network: str | None = Field(default=None, min_length=1)
    """Docker network of setup steps; unset: `bridge` where the engine has one, else `none`
    (`autofix solve` keeps the host's network). Never the host's unless set to `host`."""
    setup_secrets: dict[str, SecretStr] = Field(default_factory=dict, exclude=True)
    """Secrets from AUTOFIX_SETUP_SECRET_<NAME>, for setup commands that list them."""
    secret_repositories: Annotated[dict[str, tuple[str, ...]], NoDecode] = {}
    """Which repositories' setup may use each secret: comma-separated `NAME=owner/name` or
    `NAME=owner/*` (repeat a name for several); a secret named nowhere is given to none."""
    sandbox_scope: str = Field(
        default="autofix", min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
    )
    """Prefix of the sandbox scope label of a worker's runs (`PREFIX-run-ID`); deployments that
    share a Docker engine but not a database need different ones, or cancelling a run in one
    could remove the other's sandboxes of the same run id."""
    work_dir: Path = Path(".autofix")
    """Where clones, trajectories and the default database live."""
    worker_metrics: str = "127.0.0.1:9101"
    """Where `autofix worker` serves its Prometheus metrics (HOST:PORT, or `off`); compose
    opens it to the scraper with 0.0.0.0:9101."""
    allowed_models: Annotated[tuple[str, ...], NoDecode] = (DEFAULT_MODEL,)
    """Comma-separated model specs (base URLs included) repositories may choose in the App;
    the first is used when a repository names none. `autofix solve` does not apply it."""
    allow_repo_prices: bool = False
    """Whether a repository's `prices` may override the price table in the App."""
    max_budget_usd: float = Field(default=20.0, gt=0)
    """Ceiling on a repository's `budget.usd` in the App: repository writers spend the
    operator's key, so there is always one (raise it deliberately)."""
    max_patch_bytes: int = Field(default=1024 * 1024, ge=1024)
    """Largest diff a rollout may produce; a larger one is refused inside the sandbox."""

    @field_validator("allowed_models", mode="before")
    @classmethod
    def _split_models(cls, value: object) -> object:
        from app.llm.base import ModelConfigError
        from app.llm.spec import parse_model_spec

        if isinstance(value, str):
            value = tuple(part.strip() for part in value.split(",") if part.strip())
        if isinstance(value, (list, tuple)):
            if not value:
                raise ValueError("name at least one model spec, e.g. " + DEFAULT_MODEL)
            for spec in value:
                try:
                    parse_model_spec(str(spec))
                except ModelConfigError as exc:
                    raise ValueError(str(exc)) from None
        return value

    public_url: str | None = None
    """Where people reach this service (https://autofix.example.org); links in comments and PR
    bodies point at its run pages, and sign-in returns to `{public_url}/auth/callback`."""
    github_web_url: str | None = None
    """GitHub's web root for sign-in; derived from the API URL when unset (https://github.com,
    or https://HOST on GitHub Enterprise Server)."""
    github_client_id: str | None = None
    """The App's OAuth client id, for signing people in to the dashboard."""
    github_client_secret: SecretStr | None = None
    """The App's OAuth client secret."""
    session_secret: SecretStr | None = None
    """Key that signs dashboard session cookies (at least 32 characters)."""
    dashboard_token: SecretStr | None = None
    """Operators send it as `Authorization: Bearer ...` to see every run without signing in."""

    @field_validator("allowed_images", mode="before")
    @classmethod
    def _split_images(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("secret_repositories", mode="before")
    @classmethod
    def _split_secret_repositories(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        scopes: dict[str, tuple[str, ...]] = {}
        for entry in filter(None, (part.strip() for part in value.split(","))):
            name, _, repository = entry.partition("=")
            name, repository = name.strip(), repository.strip()
            if not re.fullmatch(r"[A-Z][A-Z0-9_]{0,63}", name) or not re.fullmatch(
                r"[A-Za-z0-9_.-]+/(?:\*|[A-Za-z0-9_.-]+)", repository
            ):
                raise ValueError(
                    f"AUTOFIX_SECRET_REPOSITORIES entry {entry!r} must be NAME=owner/name or "
                    "NAME=owner/* (NAME as in AUTOFIX_SETUP_SECRET_NAME)"
                )
            scopes[name] = (*scopes.get(name, ()), repository)
        return scopes

    @field_validator("setup_secrets")
    @classmethod
    def _usable_secrets(cls, value: dict[str, SecretStr]) -> dict[str, SecretStr]:
        for name, secret in value.items():
            if not re.fullmatch(r"[A-Z][A-Z0-9_]{0,63}", name):
                raise ValueError(
                    f"{SETUP_SECRET_PREFIX}{name}: the name after the prefix must be upper-case "
                    "letters, digits and '_'"
                )
            if len(secret.get_secret_value()) < 8:
                raise ValueError(
                    f"{SETUP_SECRET_PREFIX}{name} is shorter than 8 characters, too short to be "
                    "kept out of images and logs reliably"
                )
        return value

    @model_validator(mode="before")
    @classmethod
    def _read_setup_secrets(cls, data: Any) -> Any:
        if isinstance(data, dict) and "setup_secrets" not in data:
            found = {
                name.removeprefix(SETUP_SECRET_PREFIX): value
                for name, value in os.environ.items()
                if name.startswith(SETUP_SECRET_PREFIX) and value
            }
            data = {**data, "setup_secrets": found}
        return data

    @field_validator("github_private_key")
    @classmethod
    def _read_key_file(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        text = value.get_secret_value().strip()
        if text.startswith("-----BEGIN"):
            # Some secret stores deliver the PEM with literal "\n" escapes.
            return SecretStr(text.replace("\\n", "\n") + "\n")
        path = Path(text).expanduser()
        if not path.is_file():
            raise ValueError(
                "AUTOFIX_GITHUB_PRIVATE_KEY is neither PEM text nor a readable file: "
                "set it to the .pem file's contents or path"
            )
        return SecretStr(path.read_text())

    @model_validator(mode="after")
    def _default_database(self) -> Settings:
        if self.database_url is None:
            db = (self.work_dir / "autofix.db").resolve()
            object.__setattr__(self, "database_url", f"sqlite:///{db}")
        return self

    def policy(self) -> OperatorPolicy:
        """The limits the App puts on repository config."""
        return OperatorPolicy(
            allowed_models=self.allowed_models,
            allow_repo_prices=self.allow_repo_prices,
            max_budget_usd=self.max_budget_usd,
            allowed_images=(self.sandbox_image, *self.allowed_images),
            setup_secrets=tuple(sorted(self.setup_secrets)),
            secret_repositories=self.secret_repositories,
        )

    def require_service(self) -> None:
        """`serve` and `worker` need the App identity and a real webhook secret."""
        problems = []
        if self.github_app_id is None:
            problems.append("AUTOFIX_GITHUB_APP_ID is not set: copy it from the App's settings")
        if self.github_private_key is None:
            problems.append(
                "AUTOFIX_GITHUB_PRIVATE_KEY is not set: give the .pem contents or its path"
            )
        secret = self.webhook_secret.get_secret_value() if self.webhook_secret else ""
        if not secret:
            problems.append("AUTOFIX_WEBHOOK_SECRET is not set: use the App's webhook secret")
        elif is_placeholder(secret):
            problems.append(
                "AUTOFIX_WEBHOOK_SECRET is a placeholder: generate one "
                "(python3 -c 'import secrets; print(secrets.token_hex(32))') and set it "
                "here and in the App's settings"
            )
        problems += _weak_url_passwords(
            {"AUTOFIX_REDIS_URL": self.redis_url, "AUTOFIX_DATABASE_URL": self.database_url}
        )
        if problems:
            raise SettingsError("\n".join(problems))

    def web_url(self) -> str:
        """GitHub's web root: the setting, else derived from the API URL."""
        if self.github_web_url:
            return self.github_web_url.rstrip("/")
        parts = urlsplit(self.github_api_url)
        if parts.hostname == "api.github.com":
            return "https://github.com"
        return f"{parts.scheme}://{parts.netloc}"

    def github(self) -> GitHubSettings:
        """The GitHub client settings; call `require_service` first."""
        from app.github.settings import GitHubSettings

        self.require_service()
        assert self.github_app_id is not None and self.github_private_key is not None
        return GitHubSettings(
            app_id=self.github_app_id,
            private_key=self.github_private_key,
            api_url=self.github_api_url,
        )


def _weak_url_passwords(urls: dict[str, str | None]) -> list[str]:
    """Redis and the database hold the queue the worker trusts: a password copied from an
    example (or equal to the user name) is as good as none."""
    problems = []
    for name, url in urls.items():
        parts = urlsplit(url or "")
        password = parts.password
        if password is not None and (is_placeholder(password) or password == parts.username):
            problems.append(
                f"{name} carries a placeholder password: generate one (openssl rand -hex 32) "
                "and set it both on the server and in this URL"
            )
    return problems


def is_placeholder(value: str) -> bool:
    lowered = value.strip().lower()
    return lowered in PLACEHOLDERS or lowered.startswith(("your-", "your_", "<"))


def load_settings() -> Settings:
    """Read the environment; invalid values become a SettingsError naming the variable."""
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "environment"
            env = name if name.isupper() else f"AUTOFIX_{name.upper()}"
            lines.append(f"{env}: {error['msg']}")
        raise SettingsError("\n".join(lines)) from None
