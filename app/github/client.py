"""Builds githubkit clients for the App and its installations from injected settings."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
from githubkit import GitHub
from githubkit.auth import AppAuthStrategy
from githubkit.cache import MemCacheStrategy
from githubkit.throttling import LocalThrottler

from app.github.pacing import Clock, Sleep, WritePacer
from app.github.retry import CappedRetry
from app.github.settings import GitHubSettings
from app.github.tokens import InstallationTokens, InstallationTokenStrategy, Now, utc_now
from app.github.transport import SharedTransport

LATEST_API_VERSION = "2026-03-10"
GHES_API_VERSION = "2022-11-28"

InstallationClient = GitHub[InstallationTokenStrategy]


def api_version(api_url: str) -> str:
    """GitHub Enterprise Server (REST under /api/v3) before 3.21 knows only 2022-11-28."""
    path = httpx.URL(api_url).path.rstrip("/")
    return GHES_API_VERSION if path.endswith("/api/v3") else LATEST_API_VERSION


def _version_hook(version: str) -> Any:
    # githubkit stamps its generated calls with the schema's version; the only schema installed
    # is 2026-03-10, so older servers get their version pinned on the wire instead.
    async def pin(request: httpx.Request) -> None:
        request.headers["X-GitHub-Api-Version"] = version

    return pin


class GitHubClients:
    """The App client, per-installation clients (paced, retried) and their shared token cache."""

    def __init__(
        self,
        settings: GitHubSettings,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        now: Now = utc_now,
    ) -> None:
        self.settings = settings
        self.api_version = settings.api_version or api_version(settings.api_url)
        self._clock = clock
        self._sleep = sleep
        self.transport = SharedTransport()
        self._cache = MemCacheStrategy()
        self.app = GitHub(
            AppAuthStrategy(settings.app_id, settings.private_key.get_secret_value()),
            **self._common(LocalThrottler(10)),
        )
        self.tokens = InstallationTokens(self.app, now=now)
        self._installations: dict[int, InstallationClient] = {}
        self.pacers: dict[int, WritePacer] = {}
        # Shared by every GitHubRepo of this process so concurrent upserts meet one lock.
        self.status_comment_ids: dict[tuple[str, int, str], int] = {}
        self.status_comment_locks: dict[tuple[str, int, str], asyncio.Lock] = {}
        self.status_comment_bodies: dict[int, str] = {}

    def _common(self, throttler: LocalThrottler | WritePacer) -> dict[str, Any]:
        s = self.settings
        hooks = (
            {"request": [_version_hook(self.api_version)]}
            if self.api_version != LATEST_API_VERSION
            else None
        )
        return {
            "base_url": s.api_url,
            "timeout": s.timeout_s,
            "user_agent": s.user_agent,
            "http_cache": False,
            # githubkit's default cache is process-wide; the App JWT must follow this App's key.
            "cache_strategy": self._cache,
            "auto_retry": CappedRetry(
                max_attempts=s.max_attempts, max_wait_s=s.max_retry_wait_s, base_s=s.retry_base_s
            ),
            "throttler": throttler,
            "async_event_hooks": hooks,
            "async_transport": self.transport,
        }

    async def aclose(self) -> None:
        """Close the shared connection pool (call once, at shutdown)."""
        await self.transport.close_pool()

    async def __aenter__(self) -> GitHubClients:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def installation(self, installation_id: int) -> InstallationClient:
        """The client acting as one installation; writes paced by the installation's pacer."""
        client = self._installations.get(installation_id)
        if client is None:
            pacer = WritePacer(self.settings.write_interval_s, clock=self._clock, sleep=self._sleep)
            self.pacers[installation_id] = pacer
            client = GitHub(
                InstallationTokenStrategy(self.tokens, installation_id), **self._common(pacer)
            )
            self._installations[installation_id] = client
        return client

    async def installation_token(self, installation_id: int) -> str:
        """The installation token string for git over HTTPS (a secret: never log it)."""
        return await self.tokens.get(installation_id)

    async def installation_for_repo(self, owner: str, repo: str) -> int:
        """The id of the App's installation on owner/repo (for callers without a webhook)."""
        response = await self.app.rest.apps.async_get_repo_installation(owner, repo)
        return response.parsed_data.id
