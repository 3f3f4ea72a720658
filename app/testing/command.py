"""The shell script one test run executes: its files written, its environment, its command."""

from __future__ import annotations

import base64
import shlex
from collections.abc import Mapping, Sequence

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
        report_dir = shlex.quote(prepared.report_path.rsplit("/", 1)[0])
        lines.append(f"rm -rf {report_dir} && mkdir -p {report_dir}")
        lines.extend(_write(path, text) for path, text in prepared.files.items())
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


def _write(path: str, text: str) -> str:
    quoted = shlex.quote(path)
    encoded = base64.b64encode(text.encode()).decode()
    return f'mkdir -p "$(dirname {quoted})" && echo {encoded} | base64 -d > {quoted}'


def tail(text: str, limit: int = 4000) -> str:
    """The end of a test run's output, where the failures and the summary are."""
    return text if len(text) <= limit else "…" + text[-limit:]
