"""`Gatekeeper`: decides who a request speaks for (operator token, session cookie, or nobody)."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Callable

import httpx
from pydantic import SecretStr
from starlette.requests import Request
from starlette.responses import Response

from app.web.auth.config import AuthConfig
from app.web.auth.cookies import CookieSigner
from app.web.auth.github import GitHubOAuth, OAuthError, TokenRevoked
from app.web.auth.sessions import SessionRecord, SessionStore
from app.web.auth.viewer import Viewer

log = logging.getLogger(__name__)

OPERATOR = Viewer(login="operator", repos=None)


def token_matches(given: str, expected: SecretStr) -> bool:
    """Constant-time: both sides are hashed to equal-length digests before comparing."""
    left = hashlib.sha256(given.encode("utf-8", "surrogateescape")).digest()
    right = hashlib.sha256(expected.get_secret_value().encode()).digest()
    return hmac.compare_digest(left, right)


class SignIn:
    """Sign-in's parts, present only when the App's OAuth client is configured."""

    def __init__(self, config: AuthConfig, sessions: SessionStore, github: GitHubOAuth) -> None:
        self.config = config
        self.sessions = sessions
        self.github = github
        self.cookies = CookieSigner(config.session_secret.get_secret_value(), "session")


class Gatekeeper:
    """Finds the viewer of a request; a stale session is re-checked against GitHub."""

    def __init__(
        self,
        sign_in: SignIn | None,
        operator_token: SecretStr | None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.sign_in = sign_in
        self.operator_token = operator_token
        self.clock = clock

    def is_operator(self, request: Request) -> bool:
        scheme, _, credential = request.headers.get("authorization", "").partition(" ")
        if self.operator_token is None or scheme.lower() != "bearer" or not credential:
            return False
        return token_matches(credential.strip(), self.operator_token)

    async def viewer(self, request: Request) -> Viewer | None:
        if self.is_operator(request):
            return OPERATOR
        if self.sign_in is None:
            return None
        now = self.clock()
        name = self.sign_in.config.session_cookie
        opened = self.sign_in.cookies.open(request.cookies.get(name), now=now)
        sid = opened.payload.get("sid")
        if opened.verdict == "invalid" or not isinstance(sid, str):
            return None
        record = await self.sign_in.sessions.load(sid)
        if record is None:
            return None
        stale = now - record.checked_at >= self.sign_in.config.session_ttl_s
        if opened.verdict == "expired" or stale:
            if stale:
                record = await self._recheck(sid, record, now)
                if record is None:
                    return None
            request.state.session_cookie = self.session_cookie(sid, record.login)
        return Viewer(login=record.login, repos=record.repos, signed_in=True)

    async def _recheck(self, sid: str, record: SessionRecord, now: float) -> SessionRecord | None:
        """Ask GitHub again what the person may see; a refused token ends the session."""
        assert self.sign_in is not None
        try:
            repos = await self.sign_in.github.repositories(record.token)
        except TokenRevoked:
            await self.sign_in.sessions.drop(sid)
            return None
        except (OAuthError, httpx.HTTPError) as exc:
            # Without GitHub's answer access cannot be confirmed: fail closed for now.
            log.warning("could not re-check a session against GitHub: %s", exc)
            return None
        fresh = record.model_copy(update={"repos": repos, "checked_at": now})
        await self.sign_in.sessions.save(sid, fresh)
        return fresh

    def session_cookie(self, sid: str, login: str) -> str:
        assert self.sign_in is not None
        expires = self.clock() + self.sign_in.config.session_ttl_s
        return self.sign_in.cookies.sign({"sid": sid, "login": login}, expires_at=expires)

    def set_session_cookie(self, response: Response, value: str) -> None:
        assert self.sign_in is not None
        response.set_cookie(
            self.sign_in.config.session_cookie,
            value,
            max_age=int(self.sign_in.config.session_max_age_s),
            httponly=True,
            samesite="lax",
            secure=self.sign_in.config.secure_cookies,
            path="/",
        )
