"""`go test -json` output: one JSON event per line, ids `import/path::TestName/subtest`.

Given the module path, packages inside the module are named relative to it
(`pkg/foo::TestBar/sub`, `.::TestX` for the module's root package).

A test that started but never finished in a package that did finish was cut off by a
panic, a timeout or an exit: it is an error. A package that failed without any failing
test (a build failure, a panic in `init` or `TestMain`) is an error under the package's
own id. A stream that stops while a package is still running was cut short.
"""

from __future__ import annotations

import json
import re

from scaling.reports.model import Outcomes, ReportError, TestReport
from scaling.testrun import Outcome

_ACTIONS: dict[str, Outcome] = {"pass": "passed", "fail": "failed", "skip": "skipped"}
# Go before 1.24 prints a package that does not build as plain text among the events.
_BUILD_FAILED = re.compile(r"^FAIL\t(\S+) \[(?:build|setup) failed\]")


def _event(line: str, number: int) -> dict[str, object]:
    try:
        event = json.loads(line)
    except (ValueError, RecursionError) as exc:
        raise ReportError(f"go test -json output line {number} is not valid JSON") from exc
    if not isinstance(event, dict):
        raise ReportError(f"go test -json output line {number} is not an event")
    return event


def _relative(package: str, module: str) -> str:
    if not module:
        return package
    if package == module:
        return "."
    return package.removeprefix(module + "/")


def parse_go(text: str, module: str = "") -> TestReport:
    """Outcomes of every test in `go test -json` output; raises ReportError if unusable."""
    tests: dict[tuple[str, str], Outcome | None] = {}
    packages: dict[str, str] = {}
    events = 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line.startswith("{"):
            broken = _BUILD_FAILED.match(line)
            if broken:
                packages[broken.group(1)] = "fail"
            continue
        event = _event(line, number)
        events += 1
        action, package, test = event.get("Action"), event.get("Package"), event.get("Test")
        if not isinstance(package, str) or not isinstance(action, str):
            continue
        if not isinstance(test, str) or not test:
            if action in ("pass", "fail", "skip"):
                packages[package] = action
            continue
        if action == "run":
            tests.setdefault((package, test), None)
        elif action in _ACTIONS:
            tests[(package, test)] = _ACTIONS[action]
        elif action == "bench":
            tests[(package, test)] = "passed"
    if not events and not packages:
        raise ReportError("go test -json output holds no test events")
    unfinished = sorted({package for package, _ in tests} - packages.keys())
    if unfinished:
        raise ReportError(
            f"go test -json output stops while package {unfinished[0]} is still running "
            "(cut short?)"
        )
    outcomes = Outcomes()
    failing: set[str] = set()
    for (package, test), outcome in tests.items():
        if outcome is None:
            outcome = "error"
        if outcome == "failed" or outcome == "error":
            failing.add(package)
        outcomes.worst(f"{_relative(package, module)}::{test}", outcome)
    for package, action in packages.items():
        if action == "fail" and package not in failing:
            outcomes.worst(_relative(package, module), "error")
    return outcomes.report("go")
