"""What a parsed test report is, and the rules every format's parser shares."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict

from scaling.testrun import Outcome

ReportFormat = Literal[
    "pytest",
    "junit",
    "node-junit",
    "vitest-junit",
    "node-tap",
    "node-events",
    "go",
    "cargo",
    "jest",
    "vitest",
    "mocha",
]

# A report bigger than this is refused rather than read: no honest suite needs more, and a
# test run must not be able to make the engine hold gigabytes.
MAX_REPORT_BYTES = 64 * 1024 * 1024
# Ids longer than this are cut and made unique with a hash of the whole id.
MAX_ID_CHARS = 400

# When one test id is reported more than once (a failing call plus a teardown error, a
# re-run, one result file per class), the worst report wins.
RANK: dict[Outcome, int] = {
    "passed": 0,
    "xpassed": 1,
    "skipped": 2,
    "xfailed": 3,
    "failed": 4,
    "error": 5,
}

# Control characters and bidirectional overrides: harmless in a report, misleading on a
# terminal or in a pull request. Ids show them escaped.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class ReportError(ValueError):
    """The report cannot be read: it is missing, cut short, garbled or not of its format."""


class TestReport(BaseModel):
    """Per-test outcomes of one run, keyed by stable, readable test ids."""

    __test__ = False  # not a pytest class
    model_config = ConfigDict(frozen=True)

    format: ReportFormat
    outcomes: dict[str, Outcome]


def report_text(data: str | bytes, what: str) -> str:
    """The report as text: size-checked, invalid UTF-8 replaced rather than refused."""
    size = len(data)
    if size > MAX_REPORT_BYTES:
        raise ReportError(
            f"the {what} report is {size // (1024 * 1024)} MiB, over the "
            f"{MAX_REPORT_BYTES // (1024 * 1024)} MiB autofix reads; split the tests into "
            "smaller suites (tests.suites)"
        )
    if isinstance(data, bytes):
        return data.decode("utf-8", errors="replace")
    return data


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char, f"\\u{ord(char):04x}")


def clean_id(text: str) -> str:
    """A test id safe to show anywhere: no control characters, bounded length."""
    text = _UNSAFE.sub(_escape, text)
    if len(text) <= MAX_ID_CHARS:
        return text
    digest = hashlib.sha256(text.encode("utf-8", errors="replace")).hexdigest()[:16]
    return f"{text[: MAX_ID_CHARS - 20]}…{digest}"


def relative(path: str, root: str) -> str:
    """`path` relative to `root` when it lies inside it (runners report absolute paths)."""
    if root:
        prefix = root.rstrip("/") + "/"
        if path.startswith(prefix):
            return path[len(prefix) :]
    return path


class Outcomes:
    """Collects outcomes keyed by cleaned id, in one of two ways of treating repeats."""

    def __init__(self) -> None:
        self.by_id: dict[str, Outcome] = {}
        self._seen: Counter[str] = Counter()

    def worst(self, test_id: str, outcome: Outcome) -> None:
        """A repeated id is the same test reported again: keep its worst outcome."""
        test_id = clean_id(test_id)
        previous = self.by_id.get(test_id)
        if previous is None or RANK[outcome] > RANK[previous]:
            self.by_id[test_id] = outcome

    def distinct(self, test_id: str, outcome: Outcome) -> None:
        """A repeated id is another test of the same name: number it (`name #2`)."""
        self._seen[test_id] += 1
        count = self._seen[test_id]
        self.worst(test_id if count == 1 else f"{test_id} #{count}", outcome)

    def report(self, fmt: ReportFormat) -> TestReport:
        return TestReport(format=fmt, outcomes=self.by_id)


def merge_reports(reports: Iterable[TestReport]) -> TestReport:
    """One report from several files of one run (one JUnit file per class, say)."""
    merged = Outcomes()
    fmt: ReportFormat = "junit"
    for report in reports:
        fmt = report.format
        for test_id, outcome in report.outcomes.items():
            merged.worst(test_id, outcome)
    return merged.report(fmt)
