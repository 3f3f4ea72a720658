"""JUnit XML from any runner, with the test ids each known writer's users recognise.

- `pytest`: pytest node ids, `tests/test_x.py::TestClass::test_name[param]`.
- `junit` (Maven Surefire, Gradle, PHPUnit, RSpec, jest-junit, …): `classname::name`, or
  the innermost suite's name (then the file) in place of a missing classname.
- `node-junit` (`node --test --test-reporter=junit`): suite names and the test name joined
  by ` > `; a file that failed as a whole is named by its path.
- `vitest-junit`: `src/app.test.ts > suite > case`, as Vitest prints it.
Repeats of one id count as one test (worst outcome) for pytest and generic JUnit, where a
repeat is a re-run or a teardown error, and as distinct tests (`name #2`) for Node and
Vitest, where it is another test with the same title.
"""

from __future__ import annotations

from scaling.reports.model import Outcomes, ReportFormat, TestReport, relative
from scaling.reports.safexml import Case, read_junit
from scaling.testrun import Outcome


def _outcome(case: Case) -> Outcome:
    verdicts = case.verdicts
    skipped = verdicts.get("skipped")
    if skipped == "todo":  # Node marks an unfinished test this way; it may fail
        return "xfailed" if "failure" in verdicts or "error" in verdicts else "xpassed"
    if "error" in verdicts:
        return "error"
    if "failure" in verdicts:
        return "failed"
    if skipped is not None:
        return "xfailed" if skipped == "pytest.xfail" else "skipped"
    return "passed"


def _module_path(dotted: str) -> str:
    return dotted.replace(".", "/") + ".py"


def _pytest_id(case: Case) -> str:
    """Rebuild `path/to/test_x.py::Class::name` from pytest's dotted classname."""
    name = case.attrs.get("name", "")
    classname = case.attrs.get("classname", "")
    file = case.attrs.get("file")
    if not classname:
        # pytest reports a module that failed to collect as name="pkg.test_mod".
        return _module_path(name) if name and "/" not in name else name
    parts = classname.split(".")
    if file:
        module_parts = len(file.removesuffix(".py").replace("/", ".").split("."))
        module, classes = file, parts[module_parts:]
    else:
        # Module and package names are lower case by convention; test classes are not.
        split = next((i for i, p in enumerate(parts) if p[:1].isupper()), len(parts))
        if split == 0:
            return f"{classname}::{name}"
        module, classes = _module_path(".".join(parts[:split])), parts[split:]
    return "::".join([module, *classes, name])


def _generic_id(case: Case, root: str) -> str:
    name = case.attrs.get("name", "").strip()
    owner = (
        case.attrs.get("classname")
        or (case.suites[-1] if case.suites else "")
        or relative(case.attrs.get("file", ""), root)
    ).strip()
    # Some writers (jest-junit by default) repeat the full title as the class name.
    return f"{owner}::{name}" if owner and owner != name else name


def _node_id(case: Case, root: str) -> str:
    return " > ".join([*case.suites, relative(case.attrs.get("name", ""), root)])


def _vitest_id(case: Case) -> str:
    classname = case.attrs.get("classname", "")
    name = case.attrs.get("name", "")
    # A file that failed to load is reported as a case named after the file.
    return classname if name == classname else f"{classname} > {name}"


def parse_junit(text: str, fmt: ReportFormat = "junit", root: str = "") -> TestReport:
    """Outcome of every test case in a JUnit XML report; raises ReportError if it is not one."""
    doc = read_junit(text)
    outcomes = Outcomes()
    for case in doc.cases:
        outcome = _outcome(case)
        if fmt == "pytest":
            outcomes.worst(_pytest_id(case), outcome)
        elif fmt == "node-junit":
            outcomes.distinct(_node_id(case, root), outcome)
        elif fmt == "vitest-junit":
            outcomes.distinct(_vitest_id(case), outcome)
        else:
            outcomes.worst(_generic_id(case, root), outcome)
    return outcomes.report(fmt)
