"""A summary built from the trajectory alone, for when the model's summary is unusable."""

from __future__ import annotations

import re
from collections.abc import Sequence

from app.summary.compress import AnyRecord, steps_of
from app.summary.patch_stats import file_deltas, patch_stats
from app.trajectory import Observation
from scaling.rollout import Rollout
from scaling.summary import Change, Evidence, Location, RolloutSummary

_TEST_TOOLS = re.compile(
    r"\b(pytest|unittest|tox|nox|go test|cargo test|npm (run )?test|yarn test|pnpm test"
    r"|make (check|test)|mvn test|gradle test|rspec|phpunit|ctest)\b"
)
_MAX_EVIDENCE = 6
_MAX_FAILURES = 5


def is_test_command(command: str, test_command: str | None) -> bool:
    """Whether a command ran tests: the configured test command or a well-known runner."""
    if test_command and test_command.strip() in command:
        return True
    return bool(_TEST_TOOLS.search(command))


def _last_line(output: str) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return lines[-1][:200] if lines else "(no output)"


def _short(command: str) -> str:
    flat = " ".join(command.split())
    return flat if len(flat) <= 200 else flat[:199] + "…"


def summary_from_trajectory(
    rollout: Rollout, records: Sequence[AnyRecord], test_command: str | None, reason: str
) -> RolloutSummary:
    """Commands run, tests seen with their exit codes and the final diff; marked `fallback`
    with `reason`, why the model's own summary was not used."""
    observations: list[Observation] = [o for s in steps_of(records) for o in s.observations]
    tests = [o for o in observations if is_test_command(o.command, test_command)]
    failures = [o for o in observations if o.exit_code != 0 and o not in tests]
    deltas = file_deltas(rollout.patch)
    files = ", ".join(d.path for d in deltas[:5]) or "no files"
    approach = (
        f"Built from the trajectory: the agent ran {len(observations)} commands in "
        f"{rollout.steps} steps, ended with `{rollout.exit_status}` and changed {files}."
    )
    risks = ["No model summary: the reasoning behind the patch is not described."]
    if rollout.exit_status != "submitted":
        risks.append(f"The rollout ended with `{rollout.exit_status}`, not a submission.")
    if rollout.error:
        risks.append(f"Error: {rollout.error[:300]}")
    if not tests:
        risks.append("No test run was seen in the trajectory.")
    return RolloutSummary(
        rollout_id=rollout.rollout_id,
        approach=approach,
        locations=tuple(Location(path=d.path) for d in deltas),
        changes=tuple(
            Change(path=d.path, what=f"+{d.insertions} −{d.deletions} lines", why="not recorded")
            for d in deltas
        ),
        evidence=tuple(
            Evidence(
                command=_short(o.command),
                result=f"exit code {o.exit_code}: {_last_line(o.output)}",
                passed=o.exit_code == 0,
            )
            for o in tests[-_MAX_EVIDENCE:]
        ),
        failure_modes=tuple(
            f"`{_short(o.command)}` exited {o.exit_code}" for o in failures[-_MAX_FAILURES:]
        ),
        risks=tuple(risks),
        confidence=0.0,
        patch_stats=patch_stats(rollout.patch),
        fallback=True,
        fallback_reason=reason,
    )
