"""Access to the real runner output in tests/fixtures/reports/."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "reports"
# Where each JavaScript project ran when its fixture was recorded.
ROOTS = {
    "node": "/tmp/rpt/node/pkg",
    "jest": "/tmp/rpt/js/jestp",
    "vitest": "/tmp/rpt/js/vitestp",
    "mocha": "/tmp/rpt/js/mochap",
}


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def cut(data: bytes, keep: float = 0.6) -> bytes:
    """The first part of a real report, as when a run is killed while writing it."""
    return data[: int(len(data) * keep)]
