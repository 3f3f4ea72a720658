"""Failures of autofix's GitHub operations, worded for the people who will read them."""

from __future__ import annotations

from githubkit.exception import RateLimitExceeded, RequestFailed


class GitHubError(Exception):
    """A GitHub operation failed; the message says what happened and what to do next."""


def http_status(exc: BaseException) -> int | None:
    """The HTTP status of a failed githubkit request that was not a rate limit, else None."""
    if isinstance(exc, RequestFailed) and not isinstance(exc, RateLimitExceeded):
        return exc.response.status_code
    return None


def error_message(exc: RequestFailed) -> str:
    """GitHub's own error text (message plus validation details) from a failed response."""
    try:
        data = exc.response.raw_response.json()
    except ValueError:
        return exc.response.raw_response.text[:500]
    if not isinstance(data, dict):
        return str(data)[:500]
    parts = [str(data.get("message", ""))]
    for item in data.get("errors") or []:
        if isinstance(item, dict):
            parts.append(str(item.get("message") or item.get("code") or ""))
        else:
            parts.append(str(item))
    return "; ".join(p for p in parts if p)
