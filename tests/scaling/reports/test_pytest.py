"""The pytest format against reports produced by really running pytest."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scaling.reports import ReportError, parse_report

SAMPLE = """
import pytest

def test_pass():
    pass

def test_fail():
    assert 1 == 2

@pytest.mark.skip(reason="not today")
def test_skip():
    pass

@pytest.mark.xfail
def test_xfail():
    assert 0

@pytest.mark.xfail
def test_xpass():
    pass

@pytest.mark.xfail(strict=True)
def test_xpass_strict():
    pass

@pytest.fixture
def broken():
    raise RuntimeError("setup")

def test_setup_error(broken):
    pass

@pytest.fixture
def bad_teardown():
    yield
    raise RuntimeError("teardown")

def test_fails_then_teardown_errors(bad_teardown):
    assert 0

class TestGroup:
    @pytest.mark.parametrize("v", [1, 2])
    def test_param(self, v):
        assert v == 1
"""


def outcomes(xml: str) -> dict[str, str]:
    return dict(parse_report("pytest", xml).outcomes)


def run_pytest(root: Path, *args: str) -> str:
    report = root / "report.xml"
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:asyncio",
         "-o", "addopts=", f"--junitxml={report}", *args],
        cwd=root, capture_output=True, check=False, timeout=120,
    )  # fmt: skip
    return report.read_text()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("junit")
    (root / "tests" / "unit").mkdir(parents=True)
    (root / "tests" / "unit" / "test_sample.py").write_text(SAMPLE)
    (root / "tests" / "test_broken.py").write_text("import not_a_module_anywhere\n")
    return root


EXPECTED = {
    "tests/unit/test_sample.py::test_pass": "passed",
    "tests/unit/test_sample.py::test_fail": "failed",
    "tests/unit/test_sample.py::test_skip": "skipped",
    "tests/unit/test_sample.py::test_xfail": "xfailed",
    "tests/unit/test_sample.py::test_xpass": "passed",
    "tests/unit/test_sample.py::test_xpass_strict": "failed",
    "tests/unit/test_sample.py::test_setup_error": "error",
    "tests/unit/test_sample.py::test_fails_then_teardown_errors": "error",
    "tests/unit/test_sample.py::TestGroup::test_param[1]": "passed",
    "tests/unit/test_sample.py::TestGroup::test_param[2]": "failed",
}


@pytest.mark.parametrize("family", ["xunit2", "xunit1"])
def test_every_outcome_of_a_real_report(project: Path, family: str) -> None:
    xml = run_pytest(project, "-o", f"junit_family={family}", "tests/unit")
    assert outcomes(xml) == EXPECTED


def test_collection_error_is_reported_against_the_module(project: Path) -> None:
    xml = run_pytest(project, "--continue-on-collection-errors", "tests")
    found = outcomes(xml)
    assert found["tests/test_broken.py"] == "error"
    assert found["tests/unit/test_sample.py::test_pass"] == "passed"


def test_non_pytest_classnames_keep_class_and_name() -> None:
    xml = '<testsuite><testcase classname="Suite" name="works"/></testsuite>'
    assert outcomes(xml) == {"Suite::works": "passed"}


@pytest.mark.parametrize("text", ["", "not xml", "<html><body/></html>"])
def test_non_junit_text_is_refused(text: str) -> None:
    with pytest.raises(ReportError):
        parse_report("pytest", text)
