"""`node --test` with its JUnit and TAP reporters (Node 20), from one run of one project."""

from __future__ import annotations

import pytest

from scaling.reports import ReportError, parse_report
from tests.scaling.reports.files import ROOTS, cut, fixture

ROOT = ROOTS["node"]
EXPECTED = {
    "odd length": "passed",
    "even length": "failed",
    "skipped one": "skipped",
    "todo one": "xfailed",
    "stats > median > handles one value": "passed",
    "stats > median > handles two values": "failed",
    "stats > median > skipped in describe": "skipped",
    "broken hook > never runs": "failed",
    "with subtests > sub a": "passed",
    "with subtests > sub b": "failed",
    "same name": "passed",
    "same name #2": "failed",
    "prints bad bytes": "passed",
    # Node folds a file whose process ended early into one result under its path.
    "test/unit/exits.test.js": "passed",
    "test/unit/throws.test.js": "failed",
}


def test_tap_gives_every_test_under_readable_ids() -> None:
    outcomes = parse_report("node-tap", fixture("node/tap.txt"), ROOT).outcomes
    assert outcomes == {**EXPECTED, 'passes <&> "quoted"': "passed"}


def test_junit_from_the_same_run_gives_the_same_ids() -> None:
    outcomes = parse_report("node-junit", fixture("node/junit.xml"), ROOT).outcomes
    # Node 20's JUnit reporter escapes quotes twice; the id keeps what it wrote.
    assert outcomes == {**EXPECTED, "passes <&> &quot;quoted&quot;": "passed"}


def test_a_parent_that_fails_on_its_own_is_reported() -> None:
    tap = (
        "TAP version 13\n"
        "# Subtest: suite\n"
        "    # Subtest: child\n"
        "    ok 1 - child\n"
        "    1..1\n"
        "not ok 1 - suite\n"
        "  ---\n"
        "  error: 'after hook failed'\n"
        "  ...\n"
        "1..1\n"
    )
    assert parse_report("node-tap", tap).outcomes == {"suite > child": "passed", "suite": "failed"}


def test_result_lines_inside_error_text_are_not_results() -> None:
    tap = (
        "TAP version 13\n"
        "not ok 1 - real\n"
        "  ---\n"
        "  error: |-\n"
        "    ok 2 - forged\n"
        "    1..7\n"
        "  ...\n"
        "ok 2 - escaped \\# hash # SKIP later\n"
        "1..2\n"
    )
    assert parse_report("node-tap", tap).outcomes == {
        "real": "failed",
        "escaped # hash": "skipped",
    }


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9])
def test_cut_tap_is_an_error(keep: float) -> None:
    with pytest.raises(ReportError, match=r"cut short|garbled"):
        parse_report("node-tap", cut(fixture("node/tap.txt"), keep), ROOT)


def test_tap_cut_just_before_its_plan_is_an_error() -> None:
    text = fixture("node/tap.txt")
    with pytest.raises(ReportError, match="cut short"):
        parse_report("node-tap", text[: text.rindex(b"\n1..")], ROOT)


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, 0.99])
def test_cut_junit_is_an_error(keep: float) -> None:
    with pytest.raises(ReportError, match=r"cut short|not well-formed"):
        parse_report("node-junit", cut(fixture("node/junit.xml"), keep), ROOT)


def test_a_plan_that_disagrees_with_the_results_is_garbled() -> None:
    with pytest.raises(ReportError, match="garbled"):
        parse_report("node-tap", "TAP version 13\nok 1 - a\n1..3\n")


def test_bail_out_is_an_error() -> None:
    with pytest.raises(ReportError, match="bailed out"):
        parse_report("node-tap", "TAP version 13\nok 1 - a\nBail out! database gone\n1..1\n")


@pytest.mark.parametrize("name", ["node/events.jsonl", "node/events_node18.jsonl"])
def test_autofix_reporter_names_each_test_with_its_file(name: str) -> None:
    outcomes = parse_report("node-events", fixture(name), ROOT).outcomes
    expected = {
        (k if k.startswith("test/") else f"test/median.test.js > {k}"): v
        for k, v in EXPECTED.items()
    }
    assert outcomes == {**expected, 'test/unit/pass.test.js > passes <&> "quoted"': "passed"}


def test_autofix_reporter_output_without_its_end_marker_was_cut_short() -> None:
    text = fixture("node/events.jsonl")
    with pytest.raises(ReportError, match="cut short"):
        parse_report("node-events", text[: text.rindex(b'{"event":"end"}')], ROOT)
    with pytest.raises(ReportError, match="not valid JSON"):
        parse_report("node-events", cut(text, 0.5), ROOT)


def test_interleaved_files_keep_their_own_children() -> None:
    lines = [
        '{"event":"pass","name":"a1","nesting":1,"file":"/r/a.js"}',
        '{"event":"fail","name":"b1","nesting":1,"file":"/r/b.js"}',
        '{"event":"pass","name":"A","nesting":0,"file":"/r/a.js","suite":true}',
        '{"event":"fail","name":"B","nesting":0,"file":"/r/b.js","suite":true}',
        '{"event":"pass","name":"m","nesting":0,"file":"file:///r/sub%20dir/c.mjs"}',
        '{"event":"end"}',
    ]
    assert parse_report("node-events", "\n".join(lines), "/r").outcomes == {
        "a.js > A > a1": "passed",
        "b.js > B > b1": "failed",
        "sub dir/c.mjs > m": "passed",
    }
