"""Edits to what a test command that is not a test runner runs: `make test`, `./run_tests.sh`.

Such a command is often judged by its exit status alone, so a patch that makes its recipe or
script succeed (`test:\\n\\ttrue`) passes without running a test. Read from the diff alone.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from scaling.diff import FileDiff

_MAKEFILES = frozenset({"Makefile", "makefile", "GNUmakefile", "justfile", "Justfile"})
# A rule's first line (`test: build`, `check-all:`), not a variable (`X := y`, `X = y`).
_RULE = re.compile(r"^([A-Za-z0-9_.%/ -]+?)\s*:(?!=)")
_TESTISH = re.compile(r"test|check|spec", re.IGNORECASE)
_SCRIPT_SUFFIXES = frozenset({"", ".sh", ".bash", ".py", ".ps1", ".bat", ".cmd"})


def _touches_test_rules(f: FileDiff) -> bool:
    """True when a changed line is in a test rule, or outside any rule (a variable a test
    recipe may use). Lines before the first rule header the hunk shows count as outside."""
    target = ""
    for marker, body in f.lines:
        if not body.startswith(("\t", " ")) and body.strip():
            rule = _RULE.match(body)
            target = rule.group(1) if rule else ""
        if marker in "+-" and (not target or _TESTISH.search(target)):
            return True
    return False


def script_flags(f: FileDiff) -> list[str]:
    """A Makefile's test rules or a test script (`run_tests.sh`, `scripts/test`) edited."""
    pure = PurePosixPath(f.path)
    if pure.name in _MAKEFILES and f.status != "added" and _touches_test_rules(f):
        return [f"test recipe edited: {f.path}"]
    if (
        f.status != "added"
        and pure.suffix in _SCRIPT_SUFFIXES
        and re.search(r"(?:^|[_-])tests?(?:$|[_.-])", pure.stem)
        # Test modules (`test_x.py`, `x_test.go`, Django's `tests.py`) are handled as such.
        and not re.search(r"^test_|_test$", pure.stem)
        and not (pure.suffix == ".py" and pure.stem in ("test", "tests"))
        and (f.added or f.removed)
    ):
        return [f"test script edited: {f.path}"]
    return []
