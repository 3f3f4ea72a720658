"""Trades the one-time code GitHub redirected with for the new App's credentials."""

from __future__ import annotations

import re

import httpx
from pydantic import ValidationError

from app.setup.credentials import AppCredentials
from app.setup.errors import SetupError

_CODE = re.compile(r"[A-Za-z0-9_-]{1,128}")
API_VERSION = "2022-11-28"


def check_code(code: str) -> str:
    """The code goes into a URL path: only a plain token is accepted."""
    if not _CODE.fullmatch(code):
        raise SetupError("the redirect carried no valid `code`: start again from the setup page")
    return code


async def convert(client: httpx.AsyncClient, api_url: str, code: str) -> AppCredentials:
    """POST {api}/app-manifests/{code}/conversions (no authentication; each code works once)."""
    url = f"{api_url}/app-manifests/{check_code(code)}/conversions"
    headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": API_VERSION}
    try:
        response = await client.post(url, headers=headers, follow_redirects=False)
    except httpx.HTTPError as exc:
        raise SetupError(f"could not reach {api_url} to finish the registration: {exc}") from None
    if response.status_code in (404, 410, 422):
        raise SetupError(
            "GitHub refused the code (it works once, within an hour): "
            "start again from the setup page"
        )
    if response.status_code != 201:
        raise SetupError(
            f"GitHub answered {response.status_code} to the manifest conversion: try again"
        )
    try:
        return AppCredentials.model_validate_json(response.content)
    except ValidationError as exc:
        fields = ", ".join(str(e["loc"][0]) for e in exc.errors() if e["loc"]) or "the body"
        raise SetupError(
            f"GitHub's answer to the manifest conversion is malformed ({fields}); nothing was "
            "written: check --github-url, delete the half-made App in GitHub's settings and retry"
        ) from None
