"""GitHub's user-to-server OAuth flow and the repositories a signed-in person can see."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import httpx

from app.web.auth.config import AuthConfig

API_VERSION = "2022-11-28"
# Pagination is followed this far at most (100 per page): a bound, not an expected size.
MAX_PAGES = 50


class OAuthError(Exception):
    """Sign-in could not complete; the message says what GitHub answered."""


class TokenRevoked(OAuthError):
    """GitHub no longer accepts the person's token (revoked, expired, App uninstalled)."""


class GitHubOAuth:
    """The calls sign-in makes, over one injected HTTP client with timeouts."""

    def __init__(self, config: AuthConfig, client: httpx.AsyncClient) -> None:
        self.config = config
        self.client = client

    def authorize_url(self, state: str) -> str:
        query = urlencode(
            {
                "client_id": self.config.client_id,
                "redirect_uri": self.config.callback_url,
                "state": state,
                "allow_signup": "false",
            }
        )
        return f"{self.config.web_url}/login/oauth/authorize?{query}"

    async def exchange(self, code: str) -> str:
        """The user access token for an authorization code (each code works once)."""
        response = await self.client.post(
            f"{self.config.web_url}/login/oauth/access_token",
            data={
                "client_id": self.config.client_id,
                "client_secret": self.config.client_secret.get_secret_value(),
                "code": code,
                "redirect_uri": self.config.callback_url,
            },
            headers={"Accept": "application/json"},
        )
        try:
            body = response.json()
        except ValueError:
            body = {}
        token = body.get("access_token") if isinstance(body, dict) else None
        if response.status_code != 200 or not isinstance(token, str) or not token:
            error = body.get("error_description") or body.get("error") if body else None
            raise OAuthError(f"GitHub refused the sign-in code ({error or response.status_code})")
        return token

    async def login(self, token: str) -> str:
        body = await self._get(token, f"{self.config.api_url}/user")
        login = body.get("login") if isinstance(body, dict) else None
        if not isinstance(login, str) or not login:
            raise OAuthError("GitHub's /user answer has no login")
        return login

    async def repositories(self, token: str) -> frozenset[str]:
        """Full names of every repository the person can see in installations of this App."""
        repos: set[str] = set()
        installations = await self._pages(token, "/user/installations", "installations")
        for installation in installations:
            iid = installation.get("id")
            if not isinstance(iid, int):
                continue
            path = f"/user/installations/{iid}/repositories"
            for repo in await self._pages(token, path, "repositories"):
                name = repo.get("full_name")
                if isinstance(name, str) and name.count("/") == 1:
                    repos.add(name)
        return frozenset(repos)

    async def _pages(self, token: str, path: str, key: str) -> list[dict[str, object]]:
        items: list[dict[str, object]] = []
        url: str | None = f"{self.config.api_url}{path}?per_page=100"
        for _ in range(MAX_PAGES):
            if url is None:
                break
            response = await self._request(token, url)
            body = response.json()
            page = body.get(key) if isinstance(body, dict) else None
            if not isinstance(page, list):
                raise OAuthError(f"GitHub's {path} answer has no `{key}` list")
            items.extend(item for item in page if isinstance(item, dict))
            url = self._next(response)
        return items

    def _next(self, response: httpx.Response) -> str | None:
        following = response.links.get("next", {}).get("url")
        if not following:
            return None
        # Only follow pages on the API's own origin.
        api, there = urlsplit(self.config.api_url), urlsplit(following)
        if (there.scheme, there.netloc) != (api.scheme, api.netloc):
            raise OAuthError(f"GitHub's pagination pointed off the API host: {there.netloc}")
        return following

    async def _get(self, token: str, url: str) -> object:
        return (await self._request(token, url)).json()

    async def _request(self, token: str, url: str) -> httpx.Response:
        response = await self.client.get(
            url,
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": API_VERSION,
            },
        )
        if response.status_code == 401:
            raise TokenRevoked("GitHub no longer accepts this sign-in; sign in again")
        if response.status_code != 200:
            raise OAuthError(f"GitHub answered {response.status_code} for {urlsplit(url).path}")
        return response
