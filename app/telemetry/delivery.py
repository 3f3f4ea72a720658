"""Tags the log lines of each webhook request with its `X-GitHub-Delivery` id."""

from __future__ import annotations

import re
from typing import Any

from app.telemetry.context import DELIVERY_ID

Scope = dict[str, Any]
_SAFE = re.compile(r"[^A-Za-z0-9-]")


def delivery_id(raw: bytes) -> str:
    """The header as a log field: GitHub's ids are UUIDs; anything else is cut down to size."""
    return _SAFE.sub("", raw.decode("latin-1"))[:64] or "invalid"


class DeliveryContext:
    """ASGI middleware: the delivery id of the request is on every line logged while it runs."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        found = None
        if scope["type"] == "http":
            for name, value in scope.get("headers", ()):
                if name == b"x-github-delivery":
                    found = delivery_id(value)
                    break
        # Reset afterwards: a server that runs requests in a shared task must not carry the
        # tag over to whatever that task does next.
        token = DELIVERY_ID.set(found)
        try:
            await self.app(scope, receive, send)
        finally:
            DELIVERY_ID.reset(token)
