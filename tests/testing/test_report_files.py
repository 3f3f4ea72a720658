"""`tests.report`: JUnit files a command writes, read after a real run with bash."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from app.testing.command import run_script
from app.testing.framework import RunNames
from app.testing.frameworks.junit_files import JUnitFiles
from scaling.reports import ReportError
from tests.scaling.reports.files import FIXTURES

SUREFIRE = FIXTURES / "junit" / "surefire"
STALE = '<testsuite><testcase classname="Old" name="gone"/></testsuite>'


def run(project: Path, command: str, pattern: str) -> tuple[dict[str, str], int]:
    framework = JUnitFiles(pattern)
    names = RunNames.fresh(str(project))
    prepared = framework.prepare(command, [], names)
    assert prepared.canary is None
    try:
        done = subprocess.run(
            ["bash", "-c", run_script(command, 1, prepared)],
            cwd=project, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        outcomes = framework.parse(Path(prepared.report_path).read_text())
    finally:
        shutil.rmtree(names.report_dir, ignore_errors=True)
    return dict(outcomes), done.returncode


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "target" / "surefire-reports").mkdir(parents=True)
    (tmp_path / "target" / "surefire-reports" / "TEST-Old.xml").write_text(STALE)
    return tmp_path


def test_every_matching_file_is_read_and_stale_ones_are_removed_first(project: Path) -> None:
    copy = f"cp {SUREFIRE}/*.xml target/surefire-reports/ && exit 1"
    outcomes, code = run(project, copy, "target/surefire-reports/TEST-*.xml")
    assert code == 1
    assert "Old::gone" not in outcomes
    assert outcomes["com.example.StatsTest::evenLength"] == "failed"
    assert outcomes["com.example.StatsTest$Inner::nestedWorks"] == "passed"


def test_double_star_reaches_nested_folders(project: Path) -> None:
    nested = project / "build"
    command = f"mkdir -p {nested}/a/b && cp {SUREFIRE}/*Inner.xml {nested}/a/b/"
    outcomes, _ = run(project, command, "build/**/*.xml")
    assert outcomes["com.example.StatsTest::oddLength"] == "passed"


def test_no_file_written_is_an_error_not_an_empty_pass(project: Path) -> None:
    with pytest.raises(ReportError, match="no file matching"):
        run(project, "true", "target/surefire-reports/TEST-*.xml")
