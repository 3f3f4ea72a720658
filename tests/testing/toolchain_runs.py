"""Runs a framework's prepared test run on this machine, with the real toolchain, in a folder."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

from app.testing.command import run_script
from app.testing.framework import RunNames
from app.testing.frameworks import framework_for
from scaling.canary import Authenticity, judge_canaries, judge_tally

INSTALL = {
    "go": "apt-get install -y golang-go",
    "node": "apt-get install -y nodejs",
    "cargo": "apt-get install -y cargo",
}


def require(tool: str) -> None:
    """A missing toolchain fails the test with the command that installs it."""
    if shutil.which(tool) is None and not Path(f"/root/.cargo/bin/{tool}").exists():
        pytest.fail(f"{tool} is not installed; install it with `{INSTALL[tool]}`")


def write_project(root: Path, files: dict[str, str]) -> Path:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    return root


def run_prepared(
    project: Path, command: str, selected: Sequence[str] = (), seed: int = 1
) -> tuple[Authenticity, subprocess.CompletedProcess[str]]:
    """Prepare, run with bash in `project`, read the report, judge the canaries."""
    framework = framework_for(command)
    assert framework is not None, f"no framework runs {command!r}"
    names = RunNames.fresh(str(project))
    prepared = framework.prepare(command, selected, names)
    script = run_script(command, seed, prepared)
    env = {**os.environ, "PATH": f"/root/.cargo/bin:{os.environ.get('PATH', '/usr/bin:/bin')}"}
    try:
        done = subprocess.run(
            ["bash", "-c", script],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
            env=env,
        )
        report = Path(prepared.report_path).read_text(errors="replace")
        outcomes = framework.parse(report)
    finally:
        shutil.rmtree(names.report_dir, ignore_errors=True)
    assert prepared.canary is not None, "every known framework adds canaries"
    judged = judge_canaries(
        outcomes,
        done.returncode,
        prepared.canary,
        framework.tests_failed(done.returncode),
        apart=prepared.canaries_apart,
    )
    tally = prepared.canary.tally
    if tally is not None and judged.forged is None:  # as the runner judges it
        counted = judged.outcomes if prepared.canaries_apart else outcomes
        forged = judge_tally(counted, done.stdout + done.stderr, tally)
        judged = judged.model_copy(update={"forged": forged})
    return judged, done
