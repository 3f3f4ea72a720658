"""Per-test outcomes from the reports of every test runner autofix knows.

| format | runner and output | test ids |
|---|---|---|
| `pytest` | pytest `--junitxml` | `tests/test_x.py::TestClass::test_name[param]` |
| `junit` | any JUnit XML (Surefire, Gradle, PHPUnit, RSpec, jest-junit) | `classname::name` |
| `node-junit` | `node --test --test-reporter=junit` | `suite > test` |
| `node-tap` | `node --test --test-reporter=tap` | `suite > test` |
| `node-events` | `node --test`, autofix's reporter | `test/app.test.js > suite > test` |
| `vitest-junit` | `vitest run --reporter=junit` | `src/app.test.ts > suite > test` |
| `vitest` | `vitest run --reporter=json` | `src/app.test.ts > suite > test` |
| `jest` | `jest --json` | `src/app.test.js > suite > test` |
| `mocha` | `mocha --reporter json` | `test/app.spec.js > outer inner > test` |
| `go` | `go test -json` | `example.com/mod/pkg::TestName/subtest` |
| `cargo` | `cargo test` text, stdout and stderr | `crate/src/lib.rs::tests::name` |

Parsing is pure and strict: a report that is missing, cut short or garbled raises
`ReportError` saying what is wrong, never an empty, passing report. `root` is the directory
the tests ran in; paths under it are reported relative to it (for `go`, it is the module
path, and packages inside the module are named relative to it).
"""

from __future__ import annotations

from scaling.reports.gotest import parse_go
from scaling.reports.jest import parse_jest
from scaling.reports.junit import parse_junit
from scaling.reports.libtest import parse_cargo
from scaling.reports.mocha import parse_mocha
from scaling.reports.model import ReportError, ReportFormat, TestReport, merge_reports, report_text
from scaling.reports.nodeevents import parse_node_events
from scaling.reports.tap import parse_tap

__all__ = ["ReportError", "ReportFormat", "TestReport", "merge_reports", "parse_report"]

_NAMES: dict[ReportFormat, str] = {
    "pytest": "pytest JUnit",
    "junit": "JUnit",
    "node-junit": "node --test JUnit",
    "vitest-junit": "Vitest JUnit",
    "node-tap": "node --test TAP",
    "node-events": "node --test",
    "go": "go test -json",
    "cargo": "cargo test",
    "jest": "Jest JSON",
    "vitest": "Vitest JSON",
    "mocha": "Mocha JSON",
}


def parse_report(fmt: ReportFormat, data: str | bytes, root: str = "") -> TestReport:
    """Per-test outcomes of one report; raises ReportError when it cannot be read."""
    text = report_text(data, _NAMES[fmt])
    if fmt in ("pytest", "junit", "node-junit", "vitest-junit"):
        return parse_junit(text, fmt, root)
    if fmt == "node-tap":
        return parse_tap(text, root)
    if fmt == "node-events":
        return parse_node_events(text, root)
    if fmt == "go":
        return parse_go(text, module=root)
    if fmt == "cargo":
        return parse_cargo(text)
    if fmt in ("jest", "vitest"):
        return parse_jest(text, fmt, root)
    return parse_mocha(text, root)
