"""Credentials the fake GitHub accepts: App JWTs, installation tokens, git basic auth."""

from __future__ import annotations

import base64
import binascii
import secrets
import time
from datetime import UTC, datetime

import jwt
from starlette.requests import Request

from tests.fakes.github_routes import FakeError
from tests.fakes.github_state import GitHubState


class FakeAuth:
    """Checks the shapes GitHub checks; verifies JWT signatures when given the public key."""

    def __init__(
        self, state: GitHubState, app_id: int, public_key: str | None, token_ttl_s: float
    ) -> None:
        self.state = state
        self.app_id = app_id
        self.public_key = public_key
        self.token_ttl_s = token_ttl_s

    def authenticate_app(self, request: Request) -> None:
        scheme, _, credential = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or credential.count(".") != 2:
            raise FakeError(401, "A JSON web token could not be decoded")
        try:
            if self.public_key:
                claims = jwt.decode(credential, self.public_key, algorithms=["RS256"])
            else:
                claims = jwt.decode(credential, options={"verify_signature": False})
        except jwt.PyJWTError as exc:
            raise FakeError(401, f"A JSON web token could not be decoded: {exc}") from None
        if str(claims.get("iss")) != str(self.app_id):
            raise FakeError(401, "'Issuer' claim ('iss') must be the App's id")

    def mint_token(self, installation_id: int) -> tuple[str, str]:
        token = "ghs_" + secrets.token_hex(18)
        expires = time.time() + self.token_ttl_s
        self.state.tokens[token] = (installation_id, expires)
        return token, datetime.fromtimestamp(int(expires), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def installation_of(self, token: str) -> int | None:
        found = self.state.tokens.get(token)
        if found is None or found[1] <= time.time():
            return None
        return found[0]

    def authenticate_installation(self, request: Request) -> int:
        scheme, _, credential = request.headers.get("authorization", "").partition(" ")
        installation = (
            self.installation_of(credential) if scheme.lower() in ("token", "bearer") else None
        )
        if installation is None:
            raise FakeError(401, "Bad credentials")
        return installation

    def git_installation(self, request: Request) -> int | None:
        scheme, _, credential = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            _, _, password = base64.b64decode(credential).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return self.installation_of(password)
