"""A rollout's trajectory as JSON lines, made durable after every step.

The agent writes it; summaries and the dashboard read it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from scaling.rollout import ExitStatus, Usage


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True)


class StartRecord(_Record):
    """What the rollout was asked: its prompts, model and limits."""

    type: Literal["start"] = "start"
    rollout_id: str
    round: int
    index: int
    model: str
    limits: dict[str, Any]
    system: str
    task: str


class Observation(_Record):
    """One command the agent ran and what it printed."""

    tool_use_id: str
    command: str
    exit_code: int
    output: str
    truncated_bytes: int = 0
    timed_out: bool = False


class StepRecord(_Record):
    """One model call, the tool calls it made and their results."""

    type: Literal["step"] = "step"
    step: int
    text: str = ""
    tool_calls: list[dict[str, Any]] = []
    observations: list[Observation] = []
    format_problems: list[str] = []
    submitted: bool = False
    usage: Usage = Field(default_factory=Usage)
    total_cost_usd: float = 0.0
    elapsed_s: float = 0.0


class EndRecord(_Record):
    """How the rollout ended."""

    type: Literal["end"] = "end"
    exit_status: ExitStatus
    steps: int
    usage: Usage = Field(default_factory=Usage)
    wall_s: float = 0.0
    error: str | None = None
    patch: str = ""


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def trajectory_file(directory: Path, rollout_id: str) -> Path:
    """Where a rollout's trajectory lives in a run's trajectory directory."""
    return directory / f"{_UNSAFE.sub('_', rollout_id)}.jsonl"


Record = Annotated[StartRecord | StepRecord | EndRecord, Field(discriminator="type")]
_RECORD: TypeAdapter[Record] = TypeAdapter(Record)


class TrajectoryWriter:
    """Appends records to a JSONL file, fsynced so a killed run still leaves its steps."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        # A line torn by an earlier crash must not swallow the next record.
        if path.is_file() and path.stat().st_size:
            with path.open("rb") as f:
                f.seek(-1, os.SEEK_END)
                torn = f.read(1) != b"\n"
            if torn:
                with path.open("a", encoding="utf-8") as f:
                    f.write("\n")

    def write(self, record: StartRecord | StepRecord | EndRecord) -> None:
        line = record.model_dump_json() + "\n"
        with self.path.open("a", encoding="utf-8") as f:
            f.write(line)
            f.flush()
            os.fsync(f.fileno())


def read_trajectory(path: Path) -> list[StartRecord | StepRecord | EndRecord]:
    """Records of a trajectory file; a line cut short by a crash is skipped."""
    records: list[StartRecord | StepRecord | EndRecord] = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.strip():
            continue
        try:
            records.append(_RECORD.validate_json(line))
        except ValidationError:
            continue
    return records
