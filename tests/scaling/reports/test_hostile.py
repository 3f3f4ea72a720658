"""Reports are written by code under test: entity tricks, depth, size, bad bytes, odd names."""

from __future__ import annotations

import pytest

from scaling.reports import ReportError, parse_report
from scaling.reports.model import MAX_ID_CHARS, MAX_REPORT_BYTES
from tests.scaling.reports.files import fixture

CASE = '<testsuite><testcase classname="t.test_a" name="{name}">{body}</testcase></testsuite>'


def test_entities_from_a_dtd_are_never_expanded() -> None:
    xml = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY ok "passed">]>'
        '<testsuite><testcase classname="t" name="&ok;"/></testsuite>'
    )
    with pytest.raises(ReportError, match="DTD"):
        parse_report("junit", xml)


def test_exponential_entities_are_refused_before_any_expansion() -> None:
    entities = "".join(f'<!ENTITY e{i} "{f"&e{i - 1};" * 10 if i else "lol"}">' for i in range(10))
    xml = f'<!DOCTYPE r [{entities}]><testsuite><testcase name="&e9;"/></testsuite>'
    with pytest.raises(ReportError, match="DTD"):
        parse_report("pytest", xml)


def test_external_entities_are_refused() -> None:
    xml = (
        '<!DOCTYPE r [<!ENTITY f SYSTEM "file:///etc/passwd">]>'
        '<testsuite><testcase name="&f;"/></testsuite>'
    )
    with pytest.raises(ReportError, match="DTD"):
        parse_report("junit", xml)


def test_deep_nesting_is_refused_clearly() -> None:
    depth = 100_000
    xml = "<testsuites>" + "<testsuite>" * depth + "</testsuite>" * depth + "</testsuites>"
    with pytest.raises(ReportError, match="nests"):
        parse_report("junit", xml)


@pytest.mark.parametrize("fmt", ["jest", "vitest", "mocha"])
def test_deeply_nested_json_is_a_report_error(fmt: str) -> None:
    text = '{"numFailedTestSuites": 0, "testResults": ' + "[" * 100_000 + "]" * 100_000 + "}"
    with pytest.raises(ReportError):
        parse_report(fmt, text)  # type: ignore[arg-type]


def test_deeply_nested_go_event_is_a_report_error() -> None:
    with pytest.raises(ReportError):
        parse_report("go", '{"Action": ' + "[" * 100_000 + "]" * 100_000 + "}\n")


@pytest.mark.parametrize("fmt", ["junit", "go", "cargo", "node-tap", "jest", "mocha"])
def test_oversized_reports_are_refused_before_reading(fmt: str) -> None:
    data = b" " * (MAX_REPORT_BYTES + 1)
    with pytest.raises(ReportError, match=r"tests\.suites"):
        parse_report(fmt, data)  # type: ignore[arg-type]


def test_invalid_utf8_in_junit_is_replaced_not_fatal() -> None:
    xml = CASE.format(name="test_x", body="<failure>bad \xff\xfe bytes</failure>")
    data = xml.encode("latin-1")
    assert parse_report("pytest", data).outcomes == {"t/test_a.py::test_x": "failed"}


def test_invalid_utf8_in_a_test_name_survives_as_replacement_characters() -> None:
    data = CASE.format(name="test_\xff", body="").encode("latin-1")
    assert parse_report("pytest", data).outcomes == {"t/test_a.py::test_\ufffd": "passed"}


def test_characters_xml_forbids_do_not_break_the_report() -> None:
    xml = CASE.format(name="test_x", body="<failure>esc \x1b[31m and &#x1b; &#0; ref</failure>")
    assert parse_report("pytest", xml).outcomes == {"t/test_a.py::test_x": "failed"}


def test_a_lying_encoding_declaration_does_not_change_the_text() -> None:
    xml = '<?xml version="1.0" encoding="ISO-8859-1"?>' + CASE.format(name="test_é", body="")
    assert parse_report("pytest", xml.encode()).outcomes == {"t/test_a.py::test_é": "passed"}


def test_invalid_utf8_in_text_formats_is_replaced() -> None:
    # Real outputs: a Rust test and a Node test that wrote raw 0xff 0xfe bytes.
    assert b"\xff\xfe" in fixture("cargo/no_fail_fast.txt")
    cargo = parse_report("cargo", fixture("cargo/no_fail_fast.txt")).outcomes
    assert cargo["calc/src/lib.rs::tests::prints_bad_bytes"] == "failed"
    tap = parse_report("node-tap", fixture("node/tap.txt")).outcomes
    assert tap["prints bad bytes"] == "passed"
    go = b'{"Action":"run","Package":"p","Test":"T\xff"}\n{"Action":"pass","Package":"p"}\n'
    assert parse_report("go", go).outcomes == {"p::T\ufffd": "error"}


def test_control_and_bidi_characters_in_names_are_shown_escaped() -> None:
    # XML cannot carry a raw escape character at all; a newline it can.
    name = "test_\u202eevil\u202c&#10;line\x1b[2J"
    outcomes = parse_report("junit", CASE.format(name=name, body="")).outcomes
    assert outcomes == {"t.test_a::test_\\u202eevil\\u202c\\nline?[2J": "passed"}
    jest = (
        '{"numFailedTestSuites": 0, "testResults": [{"name": "a.test.js", "status": "passed",'
        ' "assertionResults": [{"title": "x\\u001b[2J\\r", "status": "passed"}]}]}'
    )
    assert parse_report("jest", jest).outcomes == {"a.test.js > x\\u001b[2J\\r": "passed"}


def test_huge_names_are_bounded_and_stay_distinct() -> None:
    long_a, long_b = "a" * 1_000_000 + "1", "a" * 1_000_000 + "2"
    xml = (
        f'<testsuite><testcase classname="c" name="{long_a}"/>'
        f'<testcase classname="c" name="{long_b}"><failure/></testcase></testsuite>'
    )
    outcomes = parse_report("junit", xml).outcomes
    assert len(outcomes) == 2
    assert all(len(test) <= MAX_ID_CHARS for test in outcomes)
    assert sorted(outcomes.values()) == ["failed", "passed"]


def test_a_forged_verdict_outside_a_testcase_changes_nothing() -> None:
    xml = (
        '<testsuite><failure/><testcase classname="c" name="a"><system-out>'
        "<failure/></system-out></testcase></testsuite>"
    )
    assert parse_report("junit", xml).outcomes == {"c::a": "passed"}
