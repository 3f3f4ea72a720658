"""After registration: does GitHub accept the new key, through the client the service uses?"""

from __future__ import annotations

from pydantic import SecretStr

from app.github.client import GitHubClients
from app.github.settings import GitHubSettings
from app.setup.credentials import AppCredentials


async def confirm_app(api_url: str, credentials: AppCredentials) -> str:
    """`GET /app` signed with the new key; a line saying whether it answered as this App."""
    settings = GitHubSettings(
        app_id=credentials.id,
        private_key=SecretStr(credentials.pem.get_secret_value()),
        api_url=api_url,
        timeout_s=30.0,
        max_attempts=2,
    )
    try:
        async with GitHubClients(settings) as clients:
            answer = await clients.app.rest.apps.async_get_authenticated()
            slug = answer.parsed_data.slug if answer.parsed_data else None
    except Exception as exc:  # any client or network failure is reported, never raised
        return (
            f"Warning: GET {api_url}/app with the new key failed ({type(exc).__name__}); "
            "the credentials are stored, but check AUTOFIX_GITHUB_API_URL before starting"
        )
    if slug != credentials.slug:
        return f"Warning: GET {api_url}/app answered as {slug!r}, not {credentials.slug!r}"
    return f"Checked: GitHub accepts the new key for {credentials.slug}."
