"""Streams the test cases out of JUnit XML without building a tree and without DTDs.

Reports are written by code under test, so they are hostile: a DTD could define entities
that expand to gigabytes or name local files, and nesting could be made deep enough to hurt.
Any DTD is refused outright (no JUnit writer emits one), nesting is bounded, and characters
that XML 1.0 forbids (raw or as references, which some writers emit) become `?` first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.parsers import expat

from scaling.reports.model import ReportError

MAX_DEPTH = 256
_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BAD_REFS = re.compile(
    r"&#(?:x0*(?:[0-8bcef]|1[0-9a-f])|0*(?:[0-8]|1[124-9]|2[0-9]|3[01]));", re.IGNORECASE
)
_VERDICTS = ("failure", "error", "skipped")


@dataclass
class Case:
    """One `<testcase>` and where it sits."""

    attrs: dict[str, str]
    # Names of the enclosing `<testsuite>` elements, outermost first.
    suites: tuple[str, ...]
    # Its `<failure>`, `<error>` and `<skipped>` children, each with its `type` attribute.
    verdicts: dict[str, str] = field(default_factory=dict)


@dataclass
class JUnitDocument:
    """The root element's attributes and every test case, in document order."""

    root: str = ""
    root_attrs: dict[str, str] = field(default_factory=dict)
    cases: list[Case] = field(default_factory=list)


class _Reader:
    def __init__(self) -> None:
        self.doc = JUnitDocument()
        self.depth = 0
        self.suites: list[str] = []
        # Element names on the path from the root, to know what each end tag closes.
        self.stack: list[str] = []
        self.case: Case | None = None

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ReportError(f"JUnit report nests elements more than {MAX_DEPTH} deep")
        if self.depth == 1:
            if name not in ("testsuites", "testsuite"):
                raise ReportError(f"not JUnit XML: root element is <{name}>")
            self.doc.root, self.doc.root_attrs = name, attrs
        self.stack.append(name)
        if name == "testsuite":
            self.suites.append(attrs.get("name", ""))
        elif name == "testcase":
            self.case = Case(attrs=attrs, suites=tuple(self.suites))
        elif name in _VERDICTS and self.case is not None and self.stack[-2] == "testcase":
            self.case.verdicts.setdefault(name, attrs.get("type", ""))

    def end(self, name: str) -> None:
        self.depth -= 1
        self.stack.pop()
        if name == "testsuite":
            self.suites.pop()
        elif name == "testcase" and self.case is not None:
            self.doc.cases.append(self.case)
            self.case = None


def _refuse_dtd(*_: object) -> None:
    raise ReportError("JUnit report declares a DTD; reports with DTDs or entities are refused")


def read_junit(text: str) -> JUnitDocument:
    """Every test case of a JUnit XML document; raises ReportError if it is not one."""
    if not text.strip():
        raise ReportError("JUnit report is empty")
    text = _BAD_REFS.sub("?", _BAD_CHARS.sub("?", text))
    reader = _Reader()
    # The text is already decoded: an encoding declaration in it must not re-decode it.
    parser = expat.ParserCreate(encoding="utf-8")
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    try:
        parser.Parse(text, True)
    except expat.ExpatError as exc:
        cut = exc.code == expat.errors.codes[expat.errors.XML_ERROR_NO_ELEMENTS]
        problem = "cut short" if cut else "not well-formed"
        raise ReportError(f"JUnit report is {problem}: {exc}") from exc
    return reader.doc
