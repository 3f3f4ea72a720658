"""Signed, expiring cookie values: base64url(JSON) "." base64url(HMAC-SHA256)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

Verdict = Literal["valid", "expired", "invalid"]


class Opened(BaseModel):
    """A cookie value checked: its payload when the signature holds, and whether it is stale."""

    model_config = ConfigDict(frozen=True)

    verdict: Verdict
    payload: dict[str, Any] = {}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class CookieSigner:
    """Signs payloads for one purpose; a value signed for another purpose never verifies."""

    def __init__(self, secret: str, purpose: str) -> None:
        self._key = hashlib.sha256(f"autofix:{purpose}:".encode() + secret.encode()).digest()

    def _mac(self, body: str) -> bytes:
        return hmac.new(self._key, body.encode("ascii"), hashlib.sha256).digest()

    def sign(self, payload: dict[str, Any], *, expires_at: float) -> str:
        data = dict(payload, exp=expires_at)
        body = _b64(json.dumps(data, separators=(",", ":"), sort_keys=True).encode())
        return f"{body}.{_b64(self._mac(body))}"

    def open(self, value: str | None, *, now: float) -> Opened:
        """Check the signature first; only a genuine payload is parsed or judged stale."""
        if not value or value.count(".") != 1 or len(value) > 4096:
            return Opened(verdict="invalid")
        body, mac = value.split(".")
        try:
            given = _unb64(mac)
            expected = self._mac(body)
        except (binascii.Error, ValueError, UnicodeEncodeError):
            return Opened(verdict="invalid")
        if not hmac.compare_digest(given, expected):
            return Opened(verdict="invalid")
        try:
            payload = json.loads(_unb64(body))
        except (binascii.Error, ValueError):
            return Opened(verdict="invalid")
        expires = payload.get("exp") if isinstance(payload, dict) else None
        if not isinstance(expires, int | float):
            return Opened(verdict="invalid")
        return Opened(verdict="valid" if now < expires else "expired", payload=payload)
