"""Summary test fixtures: rollouts with real trajectory files, and the model behind the fake."""

from __future__ import annotations

from pathlib import Path

from app.trajectory import (
    EndRecord,
    Observation,
    StartRecord,
    StepRecord,
    TrajectoryWriter,
)
from scaling.rollout import ExitStatus, Rollout, Usage
from tests.agent.conftest import fake_anthropic, model

__all__ = ["FIX_DIFF", "fake_anthropic", "model", "rollout_with"]

FIX_DIFF = """diff --git a/calc/stats.py b/calc/stats.py
index 1111111..2222222 100644
--- a/calc/stats.py
+++ b/calc/stats.py
@@ -14,4 +14,6 @@ def median(values):
     ordered = sorted(values)
     middle = len(ordered) // 2
-    return ordered[middle]
+    if len(ordered) % 2:
+        return ordered[middle]
+    return (ordered[middle - 1] + ordered[middle]) / 2
diff --git a/tests/test_even.py b/tests/test_even.py
new file mode 100644
index 0000000..3333333
--- /dev/null
+++ b/tests/test_even.py
@@ -0,0 +1,4 @@
+from calc import median
+
+def test_even():
+    assert median([1, 2, 3, 4]) == 2.5
"""


def rollout_with(
    tmp_path: Path,
    commands: list[tuple[str, int, str]],
    *,
    patch: str = FIX_DIFF,
    exit_status: ExitStatus = "submitted",
) -> Rollout:
    """A rollout whose trajectory file holds one step per (command, exit code, output)."""
    path = tmp_path / "trajectory.jsonl"
    writer = TrajectoryWriter(path)
    writer.write(
        StartRecord(
            rollout_id="r1", round=0, index=1, model="m", limits={}, system="s",
            task="Fix median() for even-length input.",
        )
    )  # fmt: skip
    for step, (command, code, output) in enumerate(commands, start=1):
        writer.write(
            StepRecord(
                step=step,
                text=f"Step {step}: running {command[:20]}",
                observations=[
                    Observation(
                        tool_use_id=f"t{step}", command=command, exit_code=code, output=output
                    )
                ],
            )
        )
    writer.write(EndRecord(exit_status=exit_status, steps=len(commands), patch=patch))
    return Rollout(
        rollout_id="r1", round=0, index=1, exit_status=exit_status, patch=patch,
        steps=len(commands), usage=Usage(cost_usd=0.1, calls=len(commands)),
        trajectory_path=str(path),
    )  # fmt: skip
