"""Trajectory files: durable records, readable after a crash cut the last line short."""

from __future__ import annotations

from pathlib import Path

from app.trajectory import (
    EndRecord,
    Observation,
    StartRecord,
    StepRecord,
    TrajectoryWriter,
    read_trajectory,
)


def test_records_round_trip_and_a_torn_last_line_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "r.jsonl"
    writer = TrajectoryWriter(path)
    start = StartRecord(
        rollout_id="r", round=0, index=0, model="m", limits={}, system="s", task="t"
    )
    step = StepRecord(
        step=1,
        observations=[Observation(tool_use_id="a", command="ls", exit_code=0, output="x\n")],
    )
    writer.write(start)
    writer.write(step)
    with path.open("a") as f:
        f.write('{"type": "step", "step": 2, "observ')

    assert read_trajectory(path) == [start, step]
    TrajectoryWriter(path).write(EndRecord(exit_status="error", steps=2, error="killed"))
    records = read_trajectory(path)
    assert isinstance(records[-1], EndRecord) and records[-1].error == "killed"
