"""Sign-in settings, checked once when the service starts."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, SecretStr

from app.settings import Settings, SettingsError, is_placeholder

MIN_SECRET_CHARS = 32
MIN_TOKEN_CHARS = 24


class AuthConfig(BaseModel):
    """What GitHub sign-in needs: the App's OAuth client, where we live, and the cookie key."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    client_id: str
    client_secret: SecretStr
    public_url: str
    """Root of this service as browsers reach it; the callback is `{public_url}/auth/callback`."""
    web_url: str
    """GitHub's web root (https://github.com or https://HOST)."""
    api_url: str
    session_secret: SecretStr
    session_ttl_s: float = 900.0
    """A session cookie is trusted this long; then the person's access is checked again."""
    session_max_age_s: float = 8 * 3600.0
    """After this, the person signs in again."""
    state_ttl_s: float = 600.0
    """How long a sign-in may take between /login and the callback."""

    @property
    def callback_url(self) -> str:
        return f"{self.public_url}/auth/callback"

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")

    @property
    def session_cookie(self) -> str:
        """Over https the `__Host-` prefix: browsers then refuse the cookie from any other
        host (a sibling subdomain cannot plant a session) and without `Secure`."""
        return "__Host-autofix_session" if self.secure_cookies else "autofix_session"

    @property
    def state_cookie(self) -> str:
        return "__Secure-autofix_signin" if self.secure_cookies else "autofix_signin"


def auth_config(settings: Settings) -> AuthConfig | None:
    """Sign-in settings, or None when `AUTOFIX_GITHUB_CLIENT_ID` is unset (operator token only)."""
    if not settings.github_client_id:
        return None
    problems = []
    if settings.github_client_secret is None:
        problems.append(
            "AUTOFIX_GITHUB_CLIENT_SECRET is not set: copy it from the App's settings "
            "(or unset AUTOFIX_GITHUB_CLIENT_ID to turn sign-in off)"
        )
    if not settings.public_url:
        problems.append(
            "AUTOFIX_PUBLIC_URL is not set: sign-in returns to {AUTOFIX_PUBLIC_URL}/auth/callback"
        )
    secret = settings.session_secret.get_secret_value() if settings.session_secret else ""
    if len(secret) < MIN_SECRET_CHARS or is_placeholder(secret):
        problems.append(
            f"AUTOFIX_SESSION_SECRET must be at least {MIN_SECRET_CHARS} random characters "
            "(python3 -c 'import secrets; print(secrets.token_hex(32))')"
        )
    if problems:
        raise SettingsError("\n".join(problems))
    assert settings.github_client_secret is not None and settings.public_url
    return AuthConfig(
        client_id=settings.github_client_id,
        client_secret=settings.github_client_secret,
        public_url=settings.public_url.rstrip("/"),
        web_url=settings.web_url(),
        api_url=settings.github_api_url.rstrip("/"),
        session_secret=SecretStr(secret),
    )


def operator_token(settings: Settings) -> SecretStr | None:
    """The dashboard bearer token; a short or placeholder token is refused, never used."""
    token = settings.dashboard_token
    if token is None or not token.get_secret_value():
        return None
    value = token.get_secret_value()
    if len(value) < MIN_TOKEN_CHARS or is_placeholder(value):
        raise SettingsError(
            f"AUTOFIX_DASHBOARD_TOKEN must be at least {MIN_TOKEN_CHARS} random characters "
            "(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
        )
    return token
