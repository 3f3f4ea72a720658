"""Mocha's JSON reporter: ids `path/to/file.spec.js > outer inner > title`.

Mocha gives each test its title and its full title (suite titles and the test's, joined by
spaces), so the suite part is the full title less the title. A failing hook is reported as
a pseudo-test (`"before all" hook for "title"`) and kept as a failure: the tests it stopped
never ran. Pending tests are skipped.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from scaling.reports.jsonreport import load_json
from scaling.reports.model import Outcomes, ReportError, TestReport, relative
from scaling.testrun import Outcome

_HOOK = re.compile(r'^"(?:before|after) (?:all|each)" hook')


def _key(test: Any, root: str) -> str:
    if not isinstance(test, dict):
        raise ReportError("Mocha JSON report: a test is not an object")
    title = str(test.get("title", ""))
    full = str(test.get("fullTitle", title))
    suites = full[: len(full) - len(title)].strip() if full.endswith(title) else ""
    file = relative(str(test.get("file") or ""), root)
    return " > ".join(part for part in (file, suites, title) if part)


def _list(data: dict[str, Any], name: str) -> list[Any]:
    value = data.get(name, [])
    if not isinstance(value, list):
        raise ReportError(f"Mocha JSON report: {name} is not a list")
    return value


def parse_mocha(text: str, root: str = "") -> TestReport:
    """Outcome of every test in a Mocha JSON report; raises ReportError if unusable."""
    data = load_json(text, '{\n  "stats"', "Mocha")
    if "stats" not in data or "tests" not in data:
        raise ReportError("Mocha JSON report has no stats or tests")
    pending = Counter(_key(t, root) for t in _list(data, "pending"))
    outcomes = Outcomes()
    for test in _list(data, "tests"):
        key = _key(test, root)
        outcome: Outcome = "passed"
        if test.get("err"):
            outcome = "failed"
        elif pending[key] > 0:
            pending[key] -= 1
            outcome = "skipped"
        outcomes.distinct(key, outcome)
    for test in _list(data, "failures"):
        if isinstance(test, dict) and _HOOK.match(str(test.get("title", ""))):
            outcomes.distinct(_key(test, root), "failed")
    return outcomes.report("mocha")
