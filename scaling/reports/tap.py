"""TAP from `node --test --test-reporter=tap`: ids `suite > test`, files by their path.

Subtests are indented four spaces per level and reported before their parent, so results
wait at their level until the parent's line names them. A parent counts only through its
children, unless it failed while none of them did (a failing hook, say). YAML blocks are
skipped, so error text shaped like a result is never read as one. The top-level plan
(`1..N`) must be there and match the number of results, or the stream was cut short.
"""

from __future__ import annotations

import re

from scaling.reports.model import Outcomes, ReportError, TestReport, relative
from scaling.testrun import Outcome

_POINT = re.compile(r"^(not ok|ok)\b(?:\s+\d+)?(?:\s+-)?(?:\s+(.*))?$")
_DIRECTIVE = re.compile(r"(?<!\\)#\s*(SKIP|TODO)\b.*$", re.IGNORECASE)
_PLAN = re.compile(r"^1\.\.(\d+)")
_FAILING: frozenset[Outcome] = frozenset({"failed", "error"})

Result = tuple[tuple[str, ...], Outcome]


def _outcome(ok: bool, directive: str) -> Outcome:
    if directive == "SKIP":
        return "skipped"
    if directive == "TODO":
        return "xpassed" if ok else "xfailed"
    return "passed" if ok else "failed"


def _name(text: str) -> tuple[str, str]:
    m = _DIRECTIVE.search(text)
    directive = m.group(1).upper() if m else ""
    if m:
        text = text[: m.start()]
    return text.strip().replace("\\#", "#").replace("\\\\", "\\"), directive


class _Reader:
    def __init__(self) -> None:
        # Results waiting for their parent, per nesting level.
        self.waiting: dict[int, list[Result]] = {}
        self.plan: int | None = None
        self.points = 0
        self.yaml_indent: int | None = None

    def point(self, level: int, ok: bool, text: str) -> None:
        name, directive = _name(text)
        outcome = _outcome(ok, directive)
        children = self.waiting.pop(level + 1, [])
        results = self.waiting.setdefault(level, [])
        for path, child in children:
            results.append(((name, *path), child))
        if not children or (outcome in _FAILING and all(o not in _FAILING for _, o in children)):
            results.append(((name,), outcome))
        if level == 0:
            self.points += 1

    def line(self, raw: str) -> None:
        stripped = raw.lstrip(" ")
        indent = len(raw) - len(stripped)
        if self.yaml_indent is not None:
            if stripped == "..." and indent <= self.yaml_indent:
                self.yaml_indent = None
            return
        if stripped == "---":
            self.yaml_indent = indent
        elif m := _POINT.match(stripped):
            self.point(indent // 4, m.group(1) == "ok", m.group(2) or "")
        elif indent == 0 and (m := _PLAN.match(stripped)):
            self.plan = int(m.group(1))
        elif stripped.startswith("Bail out!"):
            raise ReportError(f"TAP stream bailed out: {stripped[9:].strip()[:200]}")


def parse_tap(text: str, root: str = "") -> TestReport:
    """Outcome of every test in a TAP stream; raises ReportError if it is cut short."""
    reader = _Reader()
    for raw in text.splitlines():
        reader.line(raw.rstrip())
    if reader.plan is None:
        raise ReportError("TAP stream has no top-level plan (`1..N`): it was cut short")
    if reader.plan != reader.points:
        raise ReportError(
            f"TAP stream plans {reader.plan} tests but reports {reader.points}: it is garbled"
        )
    outcomes = Outcomes()
    for path, outcome in reader.waiting.get(0, []):
        outcomes.distinct(" > ".join([relative(path[0], root), *path[1:]]), outcome)
    return outcomes.report("node-tap")
