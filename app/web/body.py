"""Reading a webhook body without letting its sender choose how much memory it takes."""

from __future__ import annotations

from fastapi import Request

# GitHub caps webhook payloads at 25 MB; anything larger is not from GitHub.
MAX_BODY_BYTES = 25 * 1024 * 1024


class BodyTooLarge(Exception):
    """The body is (or says it is) over the limit; nothing more of it is read."""


class BadLength(Exception):
    """`Content-Length` is not a number."""


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The whole body, or BodyTooLarge as soon as it is known to exceed `limit`: from
    `Content-Length` before any of it is read, or while counting a chunked one."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise BadLength(declared)
        if int(declared) > limit:
            raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)
