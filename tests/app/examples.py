"""Real webhook payloads from the shared examples directory, read at test time."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "github" / "webhook-examples"


def example_files() -> list[Path]:
    return sorted(EXAMPLES.glob("*.json"))


def load_example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / name).read_text())
    return data


def event_of(path: Path) -> str:
    return path.name.split(".")[0]
