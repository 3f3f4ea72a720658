"""`tests.report`: JUnit XML files that a command autofix does not know writes itself.

Whatever writes them (Maven Surefire, Gradle, PHPUnit, RSpec, a custom script), files that
match the pattern are deleted before the run, so a stale or committed report never counts,
and read after it, joined with the ASCII record separator into one report. autofix cannot
add canary tests to a run it does not understand, so such reports are taken as written.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence

from app.testing.command import plain_command
from app.testing.framework import PreparedRun, RunNames
from app.testing.frameworks.sandwich import SEPARATOR
from scaling.reports import ReportError, merge_reports, parse_report
from scaling.testrun import Outcome


class JUnitFiles:
    """Reads the JUnit XML files matching one pattern (validated by the config schema)."""

    name = "junit"

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def matches(self, command: str) -> bool:
        return True

    def prepare(self, command: str, selected: Sequence[str], names: RunNames) -> PreparedRun:
        report = shlex.quote(names.report_path)
        # The pattern is unquoted on purpose (it is a glob); the schema allows no shell syntax.
        script = (
            "shopt -s globstar nullglob\n"
            f"rm -f -- {self.pattern}\n"
            f"( {plain_command(command, selected)}\n)\n"
            "__autofix_status=$?\n"
            f'for __f in {self.pattern}; do cat -- "$__f"; printf "\\036"; done > {report}\n'
            'exit "$__autofix_status"'
        )
        return PreparedRun(command=script, report_path=names.report_path, canary=None)

    def parse(self, report: str) -> dict[str, Outcome]:
        files = [part for part in report.split(SEPARATOR) if part.strip()]
        if not files:
            raise ReportError(f"the test command wrote no file matching {self.pattern}")
        return dict(merge_reports(parse_report("junit", f) for f in files).outcomes)

    def tests_failed(self, exit_code: int) -> bool:
        return exit_code != 0
