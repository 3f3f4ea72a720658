"""The repository's `.github/autofix.yml` (or the owner's `.github` fallback) over defaults."""

from __future__ import annotations

from app.config import ConfigError, RepoConfig, parse_repo_config
from app.worker.ports import RepoApi


async def fetch_config(repo: RepoApi) -> RepoConfig:
    """The parsed config; defaults when there is no file; ConfigError naming file/key/line."""
    found = await repo.get_config_file()
    if found is None:
        return RepoConfig()
    return parse_repo_config(found.text, found.source)


__all__ = ["ConfigError", "fetch_config"]
