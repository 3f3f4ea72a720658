"""Synthetic reports of N tests in the shape each runner writes (see tests/fixtures/reports).

Every tenth test fails with a few hundred characters of message, as real failures carry
tracebacks; tests sit 100 to a file or package.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from xml.sax.saxutils import escape, quoteattr

TRACE = "AssertionError: expected 3 to be 2.5\n" + "    at frame (src/stats.js:11:10)\n" * 10
PER_FILE = 100


def _failing(i: int) -> bool:
    return i % 10 == 7


def _cases(tests: range, classname: Callable[[int], str], name: Callable[[int], str]) -> str:
    out = []
    for i in tests:
        attrs = f"classname={quoteattr(classname(i))} name={quoteattr(name(i))}"
        if _failing(i):
            body = f'<failure message="expected 2.5">{escape(TRACE)}</failure>'
            out.append(f'<testcase {attrs} time="0.002">{body}</testcase>')
        else:
            out.append(f'<testcase {attrs} time="0.001"/>')
    return "\n".join(out)


def pytest_junit(n: int) -> str:
    cases = _cases(range(n), lambda i: f"tests.test_mod{i // PER_FILE}", lambda i: f"test_case_{i}")
    suite = f'<testsuite name="pytest">{cases}</testsuite>'
    return f'<?xml version="1.0"?><testsuites>{suite}</testsuites>'


def surefire_junit(n: int) -> str:
    cases = _cases(
        range(n), lambda i: f"com.example.Class{i // PER_FILE}Test", lambda i: f"case{i}()"
    )
    return f'<?xml version="1.0"?><testsuite name="all">{cases}</testsuite>'


def vitest_junit(n: int) -> str:
    suites = []
    for f in range(0, n, PER_FILE):
        file = f"src/f{f}.test.ts"
        tests = range(f, min(f + PER_FILE, n))
        cases = _cases(tests, lambda i: f"src/f{i - i % PER_FILE}.test.ts", lambda i: f"s > c{i}")
        suites.append(f'<testsuite name="{file}">{cases}</testsuite>')
    return f'<testsuites name="vitest tests">{"".join(suites)}</testsuites>'


def node_junit(n: int) -> str:
    suites = []
    for f in range(0, n, PER_FILE):
        cases = _cases(range(f, min(f + PER_FILE, n)), lambda i: "test", lambda i: f"case {i}")
        suites.append(f'<testsuite name="suite {f}">{cases}</testsuite>')
    return f'<?xml version="1.0" encoding="utf-8"?><testsuites>{"".join(suites)}</testsuites>'


def node_tap(n: int) -> str:
    lines = ["TAP version 13"]
    files = range(0, n, PER_FILE)
    for number, f in enumerate(files, 1):
        lines.append(f"# Subtest: suite {f}")
        count = min(PER_FILE, n - f)
        for i in range(count):
            ok = "not ok" if _failing(f + i) else "ok"
            lines += [f"    # Subtest: case {f + i}", f"    {ok} {i + 1} - case {f + i}"]
            lines += ["      ---", "      duration_ms: 0.1"]
            if _failing(f + i):
                lines += ["      error: |-"] + [f"        {t}" for t in TRACE.splitlines()]
            lines.append("      ...")
        lines += [f"    1..{count}", f"ok {number} - suite {f}"]
    lines.append(f"1..{len(files)}")
    return "\n".join(lines) + "\n"


def node_events(n: int) -> str:
    lines = []
    for f in range(0, n, PER_FILE):
        file = f"/repo/test/f{f}.test.js"
        for i in range(f, min(f + PER_FILE, n)):
            event = "fail" if _failing(i) else "pass"
            lines.append(
                json.dumps({"event": event, "name": f"case {i}", "nesting": 1, "file": file})
            )
        lines.append(json.dumps({"event": "pass", "name": "suite", "nesting": 0, "file": file}))
    lines.append(json.dumps({"event": "end"}))
    return "\n".join(lines) + "\n"


def go_json(n: int) -> str:
    lines = []
    for i in range(n):
        pkg, test = f"example.com/mod/pkg{i // PER_FILE}", f"TestCase{i}"
        action = "fail" if _failing(i) else "pass"
        for event in (
            {"Action": "run", "Package": pkg, "Test": test},
            {"Action": "output", "Package": pkg, "Test": test, "Output": f"=== RUN   {test}\n"},
            {"Action": action, "Package": pkg, "Test": test, "Elapsed": 0},
        ):
            lines.append(json.dumps(event))
        if i % PER_FILE == PER_FILE - 1 or i == n - 1:
            lines.append(json.dumps({"Action": "fail", "Package": pkg, "Elapsed": 0.1}))
    return "\n".join(lines) + "\n"


def cargo_text(n: int) -> str:
    lines = ["    Finished `test` profile"]
    for b in range(0, n, 1000):
        count = min(1000, n - b)
        lines += [f"     Running tests/t{b}.rs (target/debug/deps/t{b}-0123456789abcdef)", ""]
        lines.append(f"running {count} tests")
        failed = [f"case_{b + i}" for i in range(count) if _failing(b + i)]
        for i in range(count):
            word = "FAILED" if _failing(b + i) else "ok"
            lines.append(f"test case_{b + i} ... {word}")
        lines += ["", "failures:", ""]
        for name in failed:
            lines += [f"---- {name} stdout ----", *TRACE.splitlines(), ""]
        passed = count - len(failed)
        lines.append(
            f"test result: FAILED. {passed} passed; {len(failed)} failed; 0 ignored; "
            "0 measured; 0 filtered out; finished in 0.10s"
        )
    return "\n".join(lines) + "\n"


def _assertions(f: int, count: int) -> list[dict[str, object]]:
    return [
        {
            "ancestorTitles": ["suite", "inner"],
            "title": f"case {f + i}",
            "fullName": f"suite inner case {f + i}",
            "status": "failed" if _failing(f + i) else "passed",
            "failureMessages": [TRACE] if _failing(f + i) else [],
            "duration": 1,
        }
        for i in range(count)
    ]


def jest_json(n: int) -> str:
    results = [
        {
            "name": f"/repo/src/f{f}.test.js",
            "status": "failed",
            "message": "",
            "assertionResults": _assertions(f, min(PER_FILE, n - f)),
        }
        for f in range(0, n, PER_FILE)
    ]
    return json.dumps({"numFailedTestSuites": 1, "numTotalTests": n, "testResults": results})


def vitest_json(n: int) -> str:
    data = json.loads(jest_json(n))
    return json.dumps({"numTotalTestSuites": len(data["testResults"]), **data})


def mocha_json(n: int) -> str:
    tests: list[dict[str, object]] = []
    passes: list[dict[str, object]] = []
    failures: list[dict[str, object]] = []
    for i in range(n):
        test = {
            "title": f"case {i}",
            "fullTitle": f"suite inner case {i}",
            "file": f"/repo/test/f{i // PER_FILE}.spec.js",
            "duration": 1,
            "err": {"message": "expected", "stack": TRACE} if _failing(i) else {},
        }
        tests.append(test)
        (failures if _failing(i) else passes).append(test)
    stats = {"tests": n, "passes": len(passes), "failures": len(failures)}
    report = {"stats": stats, "tests": tests, "pending": [], "failures": failures}
    return json.dumps({**report, "passes": passes}, indent=2)
