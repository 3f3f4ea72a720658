"""Where GitHub is (github.com or an Enterprise Server) and where autofix will be reachable."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict

from app.setup.errors import SetupError

GITHUB_COM_WEB = "https://github.com"
GITHUB_COM_API = "https://api.github.com"
_ORG = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")


class GitHubSite(BaseModel):
    """The web root (forms, app pages) and the REST root of one GitHub installation."""

    model_config = ConfigDict(frozen=True)

    web: str
    api: str

    @property
    def is_github_com(self) -> bool:
        return self.web == GITHUB_COM_WEB

    def new_app_url(self, org: str | None) -> str:
        """Where the manifest form is posted: the user's or the organisation's new-App page."""
        if org is None:
            return f"{self.web}/settings/apps/new"
        if not _ORG.fullmatch(org):
            raise SetupError(
                f"--org {org!r} is not a GitHub organisation name "
                "(letters, digits and single hyphens, at most 39 characters)"
            )
        return f"{self.web}/organizations/{org}/settings/apps/new"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _root(value: str, flag: str) -> tuple[str, str]:
    """`scheme://host[:port]` and the path of an http(s) URL without query or fragment."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SetupError(f"{flag} {value!r} is not an http(s) URL (for example https://HOST)")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise SetupError(f"{flag} {value!r} must not carry a query, fragment or credentials")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        # The conversion answer carries the App's private key: never over plain HTTP.
        raise SetupError(f"{flag} {value!r} must use https:// (plain http only for loopback)")
    return f"{parts.scheme}://{parts.netloc.lower()}", parts.path.rstrip("/")


def github_site(github_url: str | None) -> GitHubSite:
    """github.com by default; any other host is an Enterprise Server (API under /api/v3)."""
    if github_url is None:
        return GitHubSite(web=GITHUB_COM_WEB, api=GITHUB_COM_API)
    root, path = _root(github_url, "--github-url")
    if root in (GITHUB_COM_WEB, GITHUB_COM_API):
        return GitHubSite(web=GITHUB_COM_WEB, api=GITHUB_COM_API)
    if path not in ("", "/api/v3"):
        raise SetupError(
            f"--github-url {github_url!r}: give the server's root, e.g. https://github.example.com"
        )
    return GitHubSite(web=root, api=f"{root}/api/v3")


def public_url(value: str) -> str:
    """The address GitHub delivers webhooks to and people open the dashboard at."""
    root, path = _root(value, "--public-url")
    return root + path
