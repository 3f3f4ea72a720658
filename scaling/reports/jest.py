"""Jest's `--json` report and Vitest's `--reporter=json` (the same shape).

Ids are `path/to/file.test.ts > describe > test`, the file relative to the repository. A
file that failed without any failing test (it did not load, or a hook threw) is an error
under the file's own id. Tests sharing a title in one place are numbered (`title #2`).
"""

from __future__ import annotations

from typing import Any

from scaling.reports.jsonreport import load_json
from scaling.reports.model import Outcomes, ReportError, ReportFormat, TestReport, relative
from scaling.testrun import Outcome

_STATUS: dict[str, Outcome] = {
    "passed": "passed",
    "focused": "passed",
    "failed": "failed",
    "pending": "skipped",
    "skipped": "skipped",
    "disabled": "skipped",
    "todo": "skipped",
}
_MARKERS: dict[ReportFormat, str] = {
    "jest": '{"numFailedTestSuites"',
    "vitest": '{"numTotalTestSuites"',
}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _file_tests(outcomes: Outcomes, result: dict[str, Any], root: str, what: str) -> None:
    file = relative(_text(result.get("name", "")), root)
    cases = result.get("assertionResults")
    if not isinstance(cases, list):
        raise ReportError(f"{what} JSON report: {file} has no list of test results")
    any_failed = False
    for case in cases:
        if not isinstance(case, dict):
            raise ReportError(f"{what} JSON report: a test result in {file} is not an object")
        status = _text(case.get("status"))
        outcome = _STATUS.get(status)
        if outcome is None:
            raise ReportError(f"{what} JSON report: unknown test status {status[:40]!r}")
        any_failed |= outcome == "failed"
        ancestors = case.get("ancestorTitles") or []
        # Vitest 1 lists the file's own (nameless) suite among the ancestors.
        titles = [_text(t) for t in ancestors if t] if isinstance(ancestors, list) else []
        outcomes.distinct(" > ".join([file, *titles, _text(case.get("title", ""))]), outcome)
    if result.get("status") == "failed" and not any_failed:
        outcomes.worst(file, "error")


def parse_jest(text: str, fmt: ReportFormat = "jest", root: str = "") -> TestReport:
    """Outcome of every test in a Jest or Vitest JSON report; raises ReportError if unusable."""
    what = "Vitest" if fmt == "vitest" else "Jest"
    data = load_json(text, _MARKERS.get(fmt, '{"numFailedTestSuites"'), what)
    results = data.get("testResults")
    if not isinstance(results, list):
        raise ReportError(f"{what} JSON report has no testResults list")
    outcomes = Outcomes()
    for result in results:
        if not isinstance(result, dict):
            raise ReportError(f"{what} JSON report: a file's results are not an object")
        _file_tests(outcomes, result, root, what)
    return outcomes.report(fmt)
