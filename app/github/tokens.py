"""Installation access tokens: minted by the App, cached until shortly before they expire."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable, Generator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
from githubkit import GitHub
from githubkit.auth import AppAuthStrategy, BaseAuthStrategy
from githubkit.core import GitHubCore

Now = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class InstallationToken:
    """One installation token and the moment GitHub stops accepting it."""

    token: str
    expires_at: datetime


class InstallationTokens:
    """Mints installation tokens through the App client; one live token per installation."""

    def __init__(
        self,
        app: GitHub[AppAuthStrategy],
        *,
        refresh_margin: timedelta = timedelta(minutes=5),
        now: Now = utc_now,
    ) -> None:
        self._app = app
        self._margin = refresh_margin
        self._now = now
        self._tokens: dict[int, InstallationToken] = {}
        self._locks: dict[int, asyncio.Lock] = {}
        self.minted = 0

    async def get(self, installation_id: int) -> str:
        """A token valid for at least the refresh margin (the string is a secret: never log it)."""
        lock = self._locks.setdefault(installation_id, asyncio.Lock())
        async with lock:
            cached = self._tokens.get(installation_id)
            if cached is None or cached.expires_at - self._margin <= self._now():
                cached = await self._mint(installation_id)
                self._tokens[installation_id] = cached
            return cached.token

    def invalidate(self, installation_id: int, token: str) -> None:
        """Forget `token` (GitHub refused it), so the next `get` mints a fresh one."""
        cached = self._tokens.get(installation_id)
        if cached is not None and cached.token == token:
            del self._tokens[installation_id]

    async def _mint(self, installation_id: int) -> InstallationToken:
        response = await self._app.rest.apps.async_create_installation_access_token(installation_id)
        data = response.parsed_data
        expires = datetime.fromisoformat(data.expires_at.replace("Z", "+00:00"))
        self.minted += 1
        return InstallationToken(token=data.token, expires_at=expires)


class _InstallationTokenAuth(httpx.Auth):
    def __init__(self, tokens: InstallationTokens, installation_id: int) -> None:
        self._tokens = tokens
        self._installation_id = installation_id

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        raise RuntimeError("autofix's GitHub clients are asynchronous; use the async_ methods")
        yield request  # pragma: no cover - makes this a generator

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = await self._tokens.get(self._installation_id)
        request.headers["Authorization"] = f"token {token}"
        response = yield request
        if response.status_code == 401:
            # A token revoked early (App reinstalled, key rotated) is replaced once.
            self._tokens.invalidate(self._installation_id, token)
            token = await self._tokens.get(self._installation_id)
            request.headers["Authorization"] = f"token {token}"
            yield request


@dataclass(frozen=True)
class InstallationTokenStrategy(BaseAuthStrategy):
    """githubkit auth that acts as one installation, sharing the token cache used for git."""

    tokens: InstallationTokens
    installation_id: int

    def get_auth_flow(self, github: GitHubCore[BaseAuthStrategy]) -> httpx.Auth:
        return _InstallationTokenAuth(self.tokens, self.installation_id)
