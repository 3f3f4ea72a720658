"""A run whose canary tests go through the runner on their own, before and after the command.

For runners where adding files to the repository's own invocation would change what it runs
(an explicit file list replaces discovery; packages after flags are ignored), the must-pass
canary runs as a separate invocation before the repository's command and the must-fail one
after it, each writing its own part of the report. The parts are joined with the ASCII
record separator into the one file the harness reads. The run exits with the command's own
status: the must-fail canary's expected failure is in its part of the report, and never
stands in for a failure of the command (a report that says every test passed from a command
that failed is rewritten, and the run failed).
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence

SEPARATOR = "\x1e"

# The start of an awk program that passes each line through and keeps a copy without colour
# codes in `line`: a runner whose summary is coloured (CI=true and FORCE_COLOR turn colours on
# for many of them) must still be counted.
STRIP_COLOURS = r'{ print; line = $0; gsub(/\033\[[0-9;]*[A-Za-z]/, "", line) } '


def sandwich(first: str, command: str, last: str, parts: Sequence[str], report: str) -> str:
    """The script: `first`, the command in a subshell, `last`, then the parts joined."""
    quoted = [shlex.quote(p) for p in parts]
    join = "; printf '\\036'; ".join(f"cat -- {p} 2>/dev/null" for p in quoted)
    return (
        f"{first}\n"
        f"( {command}\n)\n"
        "__autofix_status=$?\n"
        f"{last}\n"
        f"{{ {join}; }} > {shlex.quote(report)}\n"
        'exit "$__autofix_status"'
    )


def split_parts(report: str, count: int) -> list[str]:
    """The parts of a joined report; fewer or more than `count` means it was tampered with."""
    parts = report.split(SEPARATOR)
    if len(parts) != count:
        raise ValueError(f"the report has {len(parts)} parts, not {count}")
    return parts


def without_outside_path(test_id: str) -> str:
    """A test id whose first part is an absolute path (a file outside the repository: the
    canaries') named by the rest, so the canaries' ids are their test names."""
    first, sep, rest = test_id.partition(" > ")
    return rest if sep and first.startswith("/") else test_id
