"""A fake GitHub Enterprise Server (web pages at the root, REST under /api/v3) per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.github_server import FakeGitHub


@pytest.fixture
def ghes(tmp_path: Path) -> Iterator[FakeGitHub]:
    with FakeGitHub(tmp_path / "github", ghes=True) as fake:
        yield fake
