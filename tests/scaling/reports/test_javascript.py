"""Jest and Vitest JSON, Vitest JUnit and Mocha JSON from real runs of small projects."""

from __future__ import annotations

import pytest

from scaling.reports import ReportError, parse_report
from tests.scaling.reports.files import ROOTS, cut, fixture

# What both Jest and Vitest ran (Vitest's file is .ts and its outer suite is `suite`).
SHARED = {
    "odd length": "passed",
    "even length": "failed",
    "skipped one": "skipped",
    "write more": "skipped",
    "{outer} > median > handles one value": "passed",
    "{outer} > median > handles two values": "failed",
    "same name": "passed",
    "same name #2": "failed",
    "each 1": "passed",
    "each 2": "failed",
}


def _expected(file: str, outer: str) -> dict[str, str]:
    return {f"{file} > {k.format(outer=outer)}": v for k, v in SHARED.items()}


def test_jest_json() -> None:
    outcomes = parse_report("jest", fixture("jest/mixed.json"), ROOTS["jest"]).outcomes
    assert outcomes == {
        **_expected("src/stats.test.js", "stats"),
        "src/stats.test.js > stats > median > xit skipped": "skipped",
        "src/stats.test.js > stats > with failing hook > after hook": "failed",
        'test/pass.test.js > a > b > c "quoted" <&>': "passed",
        # The file did not parse: no test ran, the file itself is the error.
        "test/syntax.test.js": "error",
    }


def test_vitest_json() -> None:
    outcomes = parse_report("vitest", fixture("vitest/mixed.json"), ROOTS["vitest"]).outcomes
    assert outcomes == {
        **_expected("src/app.test.ts", "suite"),
        "src/app.test.ts > suite > with failing hook > after hook": "skipped",
        "src/app.test.ts > prints bad bytes": "passed",
        'test/pass.test.ts > a > b > c "quoted" <&>': "passed",
        "test/syntax.test.ts": "error",
    }


def test_vitest_1_json_gives_the_same_ids_as_vitest_4() -> None:
    old = parse_report("vitest", fixture("vitest/v1_mixed.json"), "/tmp/rpt/js2/vitestp")
    new = parse_report("vitest", fixture("vitest/mixed.json"), ROOTS["vitest"])
    assert old.outcomes == new.outcomes


def test_vitest_junit_uses_the_same_ids_as_its_json() -> None:
    junit = parse_report("vitest-junit", fixture("vitest/junit.xml")).outcomes
    json = parse_report("vitest", fixture("vitest/mixed.json"), ROOTS["vitest"]).outcomes
    # JUnit adds the failing hook as a case of its own; a broken file is a failed case.
    assert junit.pop("src/app.test.ts > with failing hook") == "failed"
    assert junit.pop("test/syntax.test.ts") == "failed"
    assert json.pop("test/syntax.test.ts") == "error"
    assert junit == json


def test_without_a_root_paths_stay_absolute() -> None:
    outcomes = parse_report("jest", fixture("jest/mixed.json")).outcomes
    assert outcomes["/tmp/rpt/js/jestp/test/syntax.test.js"] == "error"


def test_jest_report_printed_among_other_output_is_found() -> None:
    text = b"console.log {\n  noise\n" + fixture("jest/mixed.json") + b"\n"
    assert parse_report("jest", text, ROOTS["jest"]) == parse_report(
        "jest", fixture("jest/mixed.json"), ROOTS["jest"]
    )


def test_mocha_json() -> None:
    outcomes = parse_report("mocha", fixture("mocha/mixed.json"), ROOTS["mocha"]).outcomes
    file = "test/stats.spec.js"
    assert outcomes == {
        f"{file} > odd length": "passed",
        f"{file} > even length": "failed",
        f"{file} > skipped one": "skipped",
        f"{file} > pending without body": "skipped",
        f"{file} > xit skipped": "skipped",
        f"{file} > same name": "passed",
        f"{file} > same name #2": "failed",
        f"{file} > async timeout": "failed",
        f"{file} > stats median > handles one value": "passed",
        f"{file} > stats median > handles two values": "failed",
        f"{file} > stats hook after each > first": "passed",
        f'{file} > stats with failing hook > "before all" hook for "after hook"': "failed",
        f'{file} > stats hook after each > "after each" hook for "first"': "failed",
        'test/unit/pass.spec.js > a > b > c "quoted" <&>': "passed",
    }


def test_mocha_report_on_stdout_after_test_output_is_found() -> None:
    text = b'{"stats": "printed by a test"}\nnoise\n' + fixture("mocha/mixed.json")
    assert parse_report("mocha", text) == parse_report("mocha", fixture("mocha/mixed.json"))


@pytest.mark.parametrize(
    ("fmt", "name"),
    [("jest", "jest/mixed.json"), ("vitest", "vitest/mixed.json"), ("mocha", "mocha/mixed.json")],
)
@pytest.mark.parametrize("keep", [0.0, 0.3, 0.99])
def test_cut_json_is_an_error(fmt: str, name: str, keep: float) -> None:
    with pytest.raises(ReportError):
        parse_report(fmt, cut(fixture(name), keep))  # type: ignore[arg-type]


@pytest.mark.parametrize("keep", [0.3, 0.99])
def test_cut_vitest_junit_is_an_error(keep: float) -> None:
    with pytest.raises(ReportError):
        parse_report("vitest-junit", cut(fixture("vitest/junit.xml"), keep))


UNKNOWN_STATUS = (
    '{"numFailedTestSuites": 0, "testResults": [{"assertionResults": '
    '[{"title": "t", "status": "exploded"}]}]}'
)


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        ("jest", '{"numFailedTestSuites": 0}'),
        ("jest", '{"numFailedTestSuites": 0, "testResults": [{"assertionResults": 3}]}'),
        ("jest", UNKNOWN_STATUS),
        ("vitest", "[]"),
        ("mocha", '{"stats": {}}'),
        ("mocha", '{"stats": {}, "tests": {}}'),
        ("mocha", "all tests passed"),
    ],
)
def test_json_of_the_wrong_shape_is_an_error(fmt: str, text: str) -> None:
    with pytest.raises(ReportError):
        parse_report(fmt, text)  # type: ignore[arg-type]
