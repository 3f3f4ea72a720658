"""The rollout page's view: a trajectory step by step, outputs cut to a readable size."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict

from app.trajectory import (
    EndRecord,
    StartRecord,
    StepRecord,
    read_trajectory,
    trajectory_file,
)
from scaling.result import RolloutRecord
from scaling.summary import RolloutSummary

OUTPUT_CHARS = 4000


class _View(BaseModel):
    model_config = ConfigDict(frozen=True)


class CommandView(_View):
    command: str
    exit_code: int
    output: str
    cut_chars: int
    timed_out: bool


class StepView(_View):
    number: int
    text: str
    commands: tuple[CommandView, ...]
    submitted: bool
    cost_usd: float


class RolloutPage(_View):
    """Everything `/runs/{id}/rollouts/{rollout_id}` shows."""

    run_id: int
    repo: str
    rollout_id: str
    record: RolloutRecord | None
    """None while the rollout is still running (nothing recorded but its trajectory)."""
    summary: RolloutSummary | None
    model: str | None
    steps: tuple[StepView, ...]
    ending: EndRecord | None
    found: bool
    """False when the trajectory file is not on this machine (kept by the worker)."""


def cut(text: str, limit: int = OUTPUT_CHARS) -> tuple[str, int]:
    """Head and tail of `text` within `limit` characters, and how many were left out."""
    if len(text) <= limit:
        return text, 0
    half = limit // 2
    return text[:half] + "\n…\n" + text[-half:], len(text) - 2 * half


def _step(record: StepRecord) -> StepView:
    commands = []
    for observation in record.observations:
        output, left_out = cut(observation.output)
        commands.append(
            CommandView(
                command=observation.command,
                exit_code=observation.exit_code,
                output=output,
                cut_chars=left_out + observation.truncated_bytes,
                timed_out=observation.timed_out,
            )
        )
    text, _ = cut(record.text)
    return StepView(
        number=record.step,
        text=text,
        commands=tuple(commands),
        submitted=record.submitted,
        cost_usd=record.usage.cost_usd,
    )


def rollout_view(
    run_id: int,
    repo: str,
    rollout_id: str,
    record: RolloutRecord | None,
    summary: RolloutSummary | None,
    trajectories: Path,
) -> RolloutPage:
    path = trajectory_file(trajectories, rollout_id)
    records = read_trajectory(path) if path.is_file() else []
    start = next((r for r in records if isinstance(r, StartRecord)), None)
    ending = next((r for r in records if isinstance(r, EndRecord)), None)
    return RolloutPage(
        run_id=run_id,
        repo=repo,
        rollout_id=rollout_id,
        record=record,
        summary=summary,
        model=start.model if start else None,
        steps=tuple(_step(r) for r in records if isinstance(r, StepRecord)),
        ending=ending,
        found=path.is_file(),
    )
