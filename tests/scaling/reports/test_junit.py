"""JUnit XML from tools other than pytest: Surefire, jest-junit, PHPUnit, RSpec, Gradle."""

from __future__ import annotations

import pytest

from scaling.reports import ReportError, merge_reports, parse_report
from tests.scaling.reports.files import FIXTURES, fixture


def test_surefire_files_of_one_run_combine() -> None:
    reports = [
        parse_report("junit", path.read_bytes())
        for path in sorted((FIXTURES / "junit" / "surefire").glob("TEST-*.xml"))
    ]
    assert merge_reports(reports).outcomes == {
        "com.example.StatsTest::oddLength": "passed",
        "com.example.StatsTest::evenLength": "failed",
        "com.example.StatsTest::disabled": "skipped",
        "com.example.StatsTest::throwsError": "error",
        "com.example.StatsTest::param(int)[1]": "passed",
        "com.example.StatsTest::param(int)[2]": "failed",
        "com.example.StatsTest$Inner::nestedWorks": "passed",
    }


def test_jest_junit_repeats_the_title_as_class_name() -> None:
    outcomes = parse_report("junit", fixture("junit/jest-junit.xml")).outcomes
    assert outcomes["stats median handles two values"] == "failed"
    assert outcomes["odd length"] == "passed"
    # Generic JUnit has no way to tell two same-named tests apart: the worse one counts.
    assert outcomes["same name"] == "failed"


def test_phpunit_data_sets_keep_their_names() -> None:
    outcomes = parse_report("junit", fixture("junit/shaped/phpunit.xml")).outcomes
    assert outcomes == {
        "App.Tests.CalcTest::testAdd": "passed",
        "App.Tests.CalcTest::testLater": "skipped",
        "App.Tests.CalcTest::testMedian with data set #0": "passed",
        'App.Tests.CalcTest::testMedian with data set "even"': "failed",
    }


def test_rspec_and_gradle() -> None:
    rspec = parse_report("junit", fixture("junit/shaped/rspec.xml")).outcomes
    assert rspec == {
        "spec.calc_spec::Calc#add adds two numbers": "passed",
        "spec.calc_spec::Calc#median handles an even count": "failed",
        "spec.calc_spec::Calc#median is pending": "skipped",
    }
    gradle = parse_report("junit", fixture("junit/shaped/gradle.xml")).outcomes
    assert gradle == {
        "com.example.CalcTest::adds()": "passed",
        "com.example.CalcTest::medianOfEvenCount()": "failed",
        "com.example.CalcTest::later()": "skipped",
    }


def test_missing_class_names_fall_back_to_suite_then_file() -> None:
    xml = (
        '<testsuites><testsuite name="Suite"><testcase name="a"/></testsuite>'
        '<testcase name="b" file="/r/t/b.rb"/><testcase name="c"/></testsuites>'
    )
    assert parse_report("junit", xml, root="/r").outcomes == {
        "Suite::a": "passed",
        "t/b.rb::b": "passed",
        "c": "passed",
    }


def test_an_empty_suite_is_an_empty_report_not_an_error() -> None:
    assert parse_report("junit", '<testsuite name="none" tests="0"/>').outcomes == {}


@pytest.mark.parametrize(
    "text", ["", "   ", "not xml", "<html><body/></html>", "<testsuite><testcase name='a'>"]
)
def test_what_is_not_junit_is_refused(text: str) -> None:
    with pytest.raises(ReportError, match="JUnit"):
        parse_report("junit", text)
