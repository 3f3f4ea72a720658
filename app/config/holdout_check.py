"""Warns when the test command would skip the holdout tests it is asked to run."""

from __future__ import annotations

import shlex

from app.config.schema import TestsConfig

# Options whose value names paths or node ids the command leaves out.
_LEAVE_OUT = ("--ignore", "--ignore-glob", "--deselect")


def _covers(excluded: str, path: str) -> bool:
    excluded, path = excluded.strip("/").removeprefix("./"), path.strip("/").removeprefix("./")
    return path == excluded or path.startswith(excluded + "/") or excluded.startswith(path + "/")


def _left_out(args: list[str], path: str) -> str | None:
    """The argument of `args` that leaves `path` out, if any."""
    for i, arg in enumerate(args):
        name, _, value = arg.partition("=")
        if name in _LEAVE_OUT or name == "-k":
            value = value or (args[i + 1] if i + 1 < len(args) else "")
            if name == "-k":
                words = value.replace("(", " ").replace(")", " ").split()
                parts = set(path.strip("/").split("/"))
                if "not" in words and parts.intersection(words):
                    return f"-k {value!r}"
            elif _covers(value.split("::", 1)[0], path):
                return f"{name} {value}"
    return None


def holdout_warnings(tests: TestsConfig, source: str) -> list[str]:
    """One warning per holdout path that `tests.command` ignores or deselects."""
    if tests.command is None or tests.holdout_command is not None:
        return []
    try:
        args = shlex.split(tests.command)
    except ValueError:
        return []
    warnings = []
    for path in tests.holdout:
        culprit = _left_out(args, path)
        if culprit is not None:
            warnings.append(
                f"`tests.command` in {source} leaves out the holdout path {path} ({culprit}), so "
                "the holdout would run none of its tests and no candidate could pass it: set "
                "`tests.holdout_command` to a command that runs them"
            )
    return warnings
