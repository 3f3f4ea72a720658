"""One connection pool shared by every short-lived httpx client githubkit creates."""

from __future__ import annotations

import httpx


class SharedTransport(httpx.AsyncBaseTransport):
    """Delegates to one pool; githubkit's per-request clients cannot close it (`aclose` does)."""

    def __init__(self) -> None:
        # Built once: a TLS context per request would cost more than the request itself.
        self._pool = httpx.AsyncHTTPTransport(retries=0)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._pool.handle_async_request(request)

    async def close_pool(self) -> None:
        await self._pool.aclose()

    async def aclose(self) -> None:
        """Ignored: the owner closes the pool with `close_pool`."""
