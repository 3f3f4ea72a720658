"""`node --test` through autofix's own reporter: one JSON line per finished test.

Node's built-in reporters leave out which file a test came from; its reporter events carry
it. Ids are `test/app.test.js > suite > test`; a file that failed as a whole is named by its
path. Children finish before their parent, so results wait per file and nesting level until
the parent names them; a parent counts only through its children unless it failed while none
of them did. The reporter's last line marks the end of the run: without it the report was cut
short.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from scaling.reports.model import Outcomes, ReportError, TestReport, relative
from scaling.testrun import Outcome

_FAILING: frozenset[Outcome] = frozenset({"failed", "error"})
Result = tuple[tuple[str, ...], Outcome]


def _outcome(event: dict[str, Any]) -> Outcome:
    passed = event.get("event") == "pass"
    if event.get("todo"):
        return "xpassed" if passed else "xfailed"
    if event.get("skip"):
        return "skipped"
    return "passed" if passed else "failed"


def _events(text: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            event = json.loads(line)
        except (ValueError, RecursionError) as exc:
            raise ReportError(f"node --test report line {number} is not valid JSON") from exc
        if not isinstance(event, dict):
            raise ReportError(f"node --test report line {number} is not an event")
        events.append(event)
    if not events or events[-1].get("event") != "end":
        raise ReportError("node --test report has no end marker: the run was cut short")
    return events[:-1]


def parse_node_events(text: str, root: str = "") -> TestReport:
    """Outcome of every test in autofix's node --test report; raises ReportError if unusable."""
    waiting: dict[tuple[str, int], list[Result]] = {}
    top: list[tuple[str, Result]] = []
    for event in _events(text):
        name, nesting = str(event.get("name", "")), event.get("nesting", 0)
        raw_file = event.get("file")
        file = raw_file if isinstance(raw_file, str) else ""
        if file.startswith("file://"):  # ES modules are named by URL
            file = unquote(file.removeprefix("file://"))
        if not isinstance(nesting, int) or nesting < 0:
            raise ReportError(f"node --test report: bad nesting for {name[:80]!r}")
        outcome = _outcome(event)
        children = waiting.pop((file, nesting + 1), [])
        results = [((name, *path), child) for path, child in children]
        lone_failure = outcome in _FAILING and all(o not in _FAILING for _, o in children)
        if (not children and not event.get("suite")) or lone_failure:
            results.append(((name,), outcome))
        if nesting == 0:
            top.extend((file, result) for result in results)
        else:
            waiting.setdefault((file, nesting), []).extend(results)
    outcomes = Outcomes()
    for file, (path, outcome) in top:
        if path[0] == file:  # the whole file failed or ended early
            outcomes.distinct(relative(file, root), outcome)
            continue
        parts = [relative(file, root)] if file else []
        outcomes.distinct(" > ".join([*parts, *path]), outcome)
    return outcomes.report("node-events")
