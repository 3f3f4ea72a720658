"""Parsing `.github/autofix.yml` and filling in what the repository itself tells us."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from pydantic import ValidationError

from app.config.detect import detect_protected, detect_report, detect_test_command
from app.config.errors import ConfigError
from app.config.messages import error_messages
from app.config.repo_files import MAX_READ_BYTES, RepoFiles
from app.config.schema import RepoConfig
from app.config.yaml_lines import load_with_lines

CONFIG_PATH = ".github/autofix.yml"


@cache
def _schema() -> dict[str, Any]:
    return RepoConfig.model_json_schema()


def parse_repo_config(text: str, source: str = CONFIG_PATH) -> RepoConfig:
    """Validate YAML text; every problem names the key, its line in `source` and what fits."""
    data, lines = load_with_lines(text, source)
    if data is None:
        data = {}
    # Strict JSON validation: YAML already typed the values, so "3" stays a string and
    # `rollouts: "many"` is reported instead of being coerced or guessed at.
    payload = json.dumps(data, default=str)
    try:
        return RepoConfig.model_validate_json(payload, strict=True)
    except ValidationError as exc:
        raise ConfigError(error_messages(exc, _schema(), lines, source)) from None


def resolve_defaults(config: RepoConfig, files: RepoFiles, source: str = CONFIG_PATH) -> RepoConfig:
    """Fill in the test command and protected paths from the repository when not configured."""
    tests = config.tests
    # With several suites, the command shown to agents runs them all.
    suites = "; ".join(f"({s.command})" for s in tests.suites) or None
    command = tests.command or suites or detect_test_command(files)
    if command is None:
        raise ConfigError(
            [
                f"no test command configured and none detected: set `tests.command` in {source} "
                "(for example `command: make check` under `tests:`)"
            ]
        )
    protected = tests.protected
    if protected is None:  # the holdout's files are never in a candidate's sandbox to reset
        hidden = tuple(h.rstrip("/") for h in tests.holdout)
        protected = tuple(
            p
            for p in detect_protected(files)
            if not any(p == h or p.startswith(h + "/") for h in hidden)
        )
    holdout_missing = [p for p in tests.holdout if p not in files.paths and not files.has_dir(p)]
    if holdout_missing:
        raise ConfigError(
            [
                f"`tests.holdout` in {source} names {', '.join(holdout_missing)}, which the "
                "repository does not contain: fix the path or remove it"
            ]
        )
    given = tests.command or tests.suites
    report = tests.report if given else (tests.report or detect_report(command))
    return config.model_copy(
        update={
            "tests": tests.model_copy(
                update={"command": command, "protected": protected, "report": report}
            )
        }
    )


def load_repo_config(files: RepoFiles, override: tuple[str, str] | None = None) -> RepoConfig:
    """The repository's config (or `override` = (text, source)), with defaults resolved."""
    if override is not None:
        text, source = override
    else:
        found = files.read(CONFIG_PATH)
        if found is None and CONFIG_PATH in files.paths:
            raise ConfigError(
                [
                    f"{CONFIG_PATH} could not be read (over {MAX_READ_BYTES:,} bytes, or not a "
                    "file): keep it to the keys it needs"
                ]
            )
        text, source = found or "", CONFIG_PATH
    return resolve_defaults(parse_repo_config(text, source), files, source)
