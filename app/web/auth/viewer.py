"""`Viewer`: the person (or operator) a request speaks for, and what they may see."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Viewer(BaseModel):
    """An operator sees every repository; a signed-in person only those GitHub lets them see."""

    model_config = ConfigDict(frozen=True)

    login: str
    repos: frozenset[str] | None
    """None for the operator (everything)."""
    signed_in: bool = False
    """True for a browser session (which can sign out), False for the bearer token."""

    def can_see(self, repo: str) -> bool:
        return self.repos is None or repo in self.repos

    def visible(self, repo: str | None) -> frozenset[str] | None:
        """The repositories a list may show, narrowed to `repo` when one is asked for."""
        if repo is None:
            return self.repos
        return frozenset({repo}) if self.can_see(repo) else frozenset()
