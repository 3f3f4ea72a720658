"""The repository's `.github/autofix.yml` (or the owner's `.github` fallback) over defaults,
held to the operator's policy."""

from __future__ import annotations

from app.config import ConfigError, RepoConfig, parse_repo_config
from app.config.policy import OperatorPolicy, apply_policy
from app.worker.ports import RepoApi


async def fetch_config(repo: RepoApi, policy: OperatorPolicy) -> RepoConfig:
    """The parsed config within `policy`; defaults when there is no file; ConfigError naming
    file/key/line."""
    found = await repo.get_config_file()
    repository = f"{repo.owner}/{repo.name}"
    if found is None:
        return apply_policy(RepoConfig(), policy, ".github/autofix.yml", repository)
    config = parse_repo_config(found.text, found.source)
    return apply_policy(config, policy, found.source, repository)


__all__ = ["ConfigError", "fetch_config"]
