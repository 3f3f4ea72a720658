"""Whole RunResults by run id, for `candidates`, `pick`, `explain` and `status` after a run."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Protocol

from scaling.result import RunResult


class ResultArchive(Protocol):
    """Keeps each run's final RunResult."""

    async def save(self, run_id: int, result: RunResult) -> None: ...
    async def load(self, run_id: int) -> RunResult | None: ...


class FileResults:
    """RunResults as JSON files under the work directory (one worker host, or a shared volume)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, run_id: int) -> Path:
        return self.root / f"run-{run_id}.json"

    async def save(self, run_id: int, result: RunResult) -> None:
        def write() -> None:
            self.root.mkdir(parents=True, exist_ok=True)
            tmp = self._path(run_id).with_suffix(".tmp")
            tmp.write_text(result.model_dump_json())
            tmp.replace(self._path(run_id))

        await asyncio.to_thread(write)

    async def load(self, run_id: int) -> RunResult | None:
        path = self._path(run_id)
        if not path.is_file():
            return None
        text = await asyncio.to_thread(path.read_text)
        return RunResult.model_validate_json(text)
