"""Reads pytest's JUnit XML (`--junitxml`) into per-test outcomes keyed by pytest node id."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from scaling.testrun import Outcome

# When one test id is reported more than once (a failing call plus a teardown error, or a
# re-run), the worst report wins.
_RANK: dict[Outcome, int] = {
    "passed": 0,
    "xpassed": 1,
    "skipped": 2,
    "xfailed": 3,
    "failed": 4,
    "error": 5,
}


class JUnitError(ValueError):
    """The text is not JUnit XML."""


def _outcome(case: ET.Element) -> Outcome:
    tags = {child.tag: child for child in case}
    if "error" in tags:
        return "error"
    if "failure" in tags:
        return "failed"
    skipped = tags.get("skipped")
    if skipped is not None:
        return "xfailed" if skipped.get("type") == "pytest.xfail" else "skipped"
    return "passed"


def _module_path(dotted: str) -> str:
    return dotted.replace(".", "/") + ".py"


def _test_id(case: ET.Element) -> str:
    """Rebuild `path/to/test_x.py::Class::name` from pytest's dotted classname."""
    name = case.get("name", "")
    classname = case.get("classname", "")
    file = case.get("file")
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


def parse_junit(xml: str) -> dict[str, Outcome]:
    """Outcome of every test case in a JUnit XML report; raises JUnitError if it is not one."""
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        raise JUnitError(f"not JUnit XML: {exc}") from exc
    if root.tag not in ("testsuites", "testsuite"):
        raise JUnitError(f"not JUnit XML: root element is <{root.tag}>")
    outcomes: dict[str, Outcome] = {}
    for case in root.iter("testcase"):
        test_id = _test_id(case)
        outcome = _outcome(case)
        previous = outcomes.get(test_id)
        if previous is None or _RANK[outcome] > _RANK[previous]:
            outcomes[test_id] = outcome
    return outcomes
