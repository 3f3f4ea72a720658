"""Repository config: `.github/autofix.yml`, its validation and the defaults we detect."""

from __future__ import annotations

from app.config.ci import CiConfig
from app.config.detect import detect_protected, detect_test_command
from app.config.errors import ConfigError
from app.config.holdout_check import holdout_warnings
from app.config.loader import CONFIG_PATH, load_repo_config, parse_repo_config, resolve_defaults
from app.config.repo_files import NotAGitRepository, RepoFiles
from app.config.schema import (
    DEFAULT_IMAGE,
    DEFAULT_MODEL,
    BudgetConfig,
    PrConfig,
    RepoConfig,
    SandboxConfig,
    TestsConfig,
)

__all__ = [
    "CONFIG_PATH",
    "DEFAULT_IMAGE",
    "DEFAULT_MODEL",
    "BudgetConfig",
    "CiConfig",
    "ConfigError",
    "NotAGitRepository",
    "PrConfig",
    "RepoConfig",
    "RepoFiles",
    "SandboxConfig",
    "TestsConfig",
    "detect_protected",
    "detect_test_command",
    "holdout_warnings",
    "load_repo_config",
    "parse_repo_config",
    "resolve_defaults",
]
