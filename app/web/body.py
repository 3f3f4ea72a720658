"""Reading a webhook body without letting its sender choose how much memory or time it takes."""

from __future__ import annotations

import asyncio

from fastapi import Request

# GitHub caps webhook payloads at 25 MB; anything larger is not from GitHub.
MAX_BODY_BYTES = 25 * 1024 * 1024
# GitHub sends a whole delivery at once; a body still trickling in after this is holding a
# connection open, not delivering an event.
BODY_TIMEOUT_S = 20.0


class BodyTooLarge(Exception):
    """The body is (or says it is) over the limit; nothing more of it is read."""


class BadLength(Exception):
    """`Content-Length` is not a number."""


class BodyTooSlow(Exception):
    """The body did not arrive within the time allowed."""


async def read_body(
    request: Request, limit: int = MAX_BODY_BYTES, timeout_s: float = BODY_TIMEOUT_S
) -> bytes:
    """The whole body, or BodyTooLarge as soon as it is known to exceed `limit`: from
    `Content-Length` before any of it is read, or while counting a chunked one. BodyTooSlow
    when it takes longer than `timeout_s`."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise BadLength(declared)
        if int(declared) > limit:
            raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(timeout_s):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise BodyTooLarge
                chunks.append(chunk)
    except TimeoutError:
        raise BodyTooSlow from None
    return b"".join(chunks)
