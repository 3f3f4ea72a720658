"""Parsing a 10,000-test report in every format: wall time and peak memory of the parse.

Each format's report is generated in the runner's own shape (benchmarks/report_samples.py),
then parsed by `scaling.reports.parse_report` and, for comparison, the naive way: the whole
document into memory with the standard library (ElementTree for XML, `json.loads` for
JSON, one `json.loads` per line for Go, a regular expression over the text for TAP and
cargo), which yields no ids, refuses no hostile input and is the floor a parser is measured
against. Targets: under 1 s and 200 MB for each format. Peak memory is what tracemalloc sees
allocated during the parse, the report text itself excluded. Prints one JSON object.
Usage: `python -m benchmarks.reports [TESTS]`.
"""

from __future__ import annotations

import json
import re
import sys
import time
import tracemalloc
import xml.etree.ElementTree as ET
from collections.abc import Callable
from functools import partial
from typing import Any

from benchmarks import report_samples as samples
from scaling.reports import ReportFormat, parse_report

TESTS = 10_000
TARGET_S = 1.0
TARGET_MIB = 200.0
_TEXT_RESULT = re.compile(r"^\s*(?:not ok|ok|test .+ \.\.\.)", re.MULTILINE)

SAMPLES: dict[ReportFormat, Callable[[int], str]] = {
    "pytest": samples.pytest_junit,
    "junit": samples.surefire_junit,
    "node-junit": samples.node_junit,
    "vitest-junit": samples.vitest_junit,
    "node-tap": samples.node_tap,
    "node-events": samples.node_events,
    "go": samples.go_json,
    "cargo": samples.cargo_text,
    "jest": samples.jest_json,
    "vitest": samples.vitest_json,
    "mocha": samples.mocha_json,
}


def _naive(fmt: ReportFormat, text: str) -> int:
    if fmt in ("pytest", "junit", "node-junit", "vitest-junit"):
        return sum(1 for _ in ET.fromstring(text).iter("testcase"))
    if fmt == "go":
        return sum(1 for line in text.splitlines() if json.loads(line).get("Test"))
    if fmt == "node-events":
        return sum(1 for line in text.splitlines() if json.loads(line).get("name"))
    if fmt in ("node-tap", "cargo"):
        return len(_TEXT_RESULT.findall(text))
    return len(json.loads(text))


def _measure(parse: Callable[[], Any]) -> tuple[float, float]:
    started = time.perf_counter()
    parse()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    parse()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / (1024 * 1024)


def run(tests: int) -> dict[str, object]:
    formats: dict[str, object] = {}
    within: list[bool] = []
    for fmt, make in SAMPLES.items():
        text = make(tests)
        found = len(parse_report(fmt, text, root="/repo").outcomes)
        seconds, mib = _measure(partial(parse_report, fmt, text, "/repo"))
        naive_s, naive_mib = _measure(partial(_naive, fmt, text))
        within.append(seconds < TARGET_S and mib < TARGET_MIB and found >= tests)
        formats[fmt] = {
            "tests_found": found,
            "report_mib": round(len(text.encode()) / (1024 * 1024), 2),
            "parse_s": round(seconds, 4),
            "peak_mib": round(mib, 1),
            "naive_s": round(naive_s, 4),
            "naive_peak_mib": round(naive_mib, 1),
            "within_target": within[-1],
        }
    return {
        "benchmark": "reports",
        "tests_per_report": tests,
        "target": {"seconds": TARGET_S, "mib": TARGET_MIB},
        "all_within_target": all(within),
        "formats": formats,
    }


if __name__ == "__main__":
    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else TESTS), indent=2))
