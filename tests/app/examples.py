"""Real webhook payloads from tests/fixtures/github, read at test time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.fakes.github_examples import examples_root, webhook_example


def example_files() -> list[Path]:
    return sorted((examples_root() / "webhook-examples").glob("*.json"))


def load_example(name: str) -> dict[str, Any]:
    """A fresh copy of `name` (e.g. `issues.labeled.9.json`)."""
    return webhook_example(name.removesuffix(".json"))


def event_of(path: Path) -> str:
    return path.name.split(".")[0]
