"""The shell script one test run executes: its files written, its environment, its command."""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath

from app.testing.framework import PreparedRun

# Exit status of a run whose files could not be written: the command never ran.
NOT_PREPARED = 97


def plain_command(command: str, selected: Sequence[str] = ()) -> str:
    """A command no framework understands: `selected` paths become arguments."""
    return command + "".join(" " + shlex.quote(p) for p in selected)


def run_script(command: str, seed: int, prepared: PreparedRun | None = None) -> str:
    """Write the run's files (report directory emptied first), export the seed, run."""
    lines: list[str] = []
    if prepared is not None:
        # Two processes and shell builtins: on a loaded machine every process started waits
        # for a CPU, and this runs before every test run.
        report_dir = prepared.report_path.rsplit("/", 1)[0]
        folders = sorted({report_dir, *(str(PurePosixPath(p).parent) for p in prepared.files)})
        made = " ".join(shlex.quote(f) for f in folders)
        lines.append(f"rm -rf {shlex.quote(report_dir)} && mkdir -p {made}")
        lines.extend(
            f"printf '%s' {shlex.quote(text)} > {shlex.quote(path)}"
            for path, text in prepared.files.items()
        )
    prelude = " && ".join(lines) if lines else "true"
    env: Mapping[str, str] = prepared.env if prepared is not None else {}
    exports = [f"AUTOFIX_TEST_SEED={seed}", f"PYTHONHASHSEED={seed}"]
    exports += [f"{name}={value}" for name, value in env.items()]
    return (
        f"{{ {prelude}; }} || {{ echo 'could not write the files of the test run' >&2; "
        f"exit {NOT_PREPARED}; }}\n"
        f"export {' '.join(exports)}\n"
        f"{command if prepared is None else prepared.command}"
    )


def tail(text: str, limit: int = 4000) -> str:
    """The end of a test run's output, where the failures and the summary are."""
    return text if len(text) <= limit else "…" + text[-limit:]
