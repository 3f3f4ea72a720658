"""The shell command one test run executes, with JUnit reporting added when it is pytest."""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence

# Outside the repository tree, so the report can never show up in a patch or be planted by one.
JUNIT_PATH = "/tmp/autofix-junit.xml"
_PYTEST = re.compile(r"(^|[\s/;&|(])(py\.test|pytest(-3)?)(\s|$)|-m\s+pytest(\s|$)")


def is_pytest(command: str) -> bool:
    """True for `pytest …`, `python3 -m pytest …`, `uv run pytest …` and the like."""
    return bool(_PYTEST.search(command))


def command_line(command: str, paths: Sequence[str] = ()) -> str:
    """The command to run: pytest gets a JUnit report and no cache; `paths` restrict the run."""
    extra = ""
    if is_pytest(command):
        extra = f" --junitxml={JUNIT_PATH} -o junit_family=xunit1 -p no:cacheprovider"
    selected = "".join(" " + shlex.quote(p) for p in paths)
    # A stale report from an earlier run in the same sandbox must not be read as this run's.
    return f"rm -f {JUNIT_PATH}; {command}{extra}{selected}"


def tail(text: str, limit: int = 4000) -> str:
    """The end of a test run's output, where the failures and the summary are."""
    return text if len(text) <= limit else "…" + text[-limit:]
