"""pytest: a JUnit XML report, path arguments for selection, canaries through a plugin."""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from pathlib import Path
from string import Template

from app.testing.framework import PreparedRun, RunNames
from scaling.canary import CanaryIds
from scaling.reports import parse_report
from scaling.testrun import Outcome

_PYTEST = re.compile(r"(^|[\s/;&|(])(py\.test|pytest(-3)?)(\s|$)|-m\s+pytest(\s|$)")
_HERE = Path(__file__).resolve().parent


def _template(name: str) -> Template:
    return Template((_HERE / name).read_text())


class Pytest:
    """Runs the repository's pytest command with a report, a plugin and two canary tests.

    The canaries live in a new directory below `names.near`, so the repository's conftest files
    there apply to them as to its own tests; a plugin loaded with `-p` from outside the
    repository puts the must-pass canary first and the must-fail canary last, whatever the
    command selects. `PYTHONSAFEPATH=1` keeps a module at the repository root from replacing
    pytest; the plugin lifts it again for whatever the tests start.
    """

    name = "pytest"

    def matches(self, command: str) -> bool:
        return bool(_PYTEST.search(command))

    def prepare(self, command: str, selected: Sequence[str], names: RunNames) -> PreparedRun:
        _, plugin, folder, module, must_pass, must_fail, tally = names.tokens[:7]
        checks = "/".join(p for p in (names.near, folder, f"{module}.py") if p)
        plugin_text = _template("pytest_plugin.tmpl").substitute(
            file=repr(f"{names.root}/{checks}"),
            must_pass=repr(must_pass),
            must_fail=repr(must_fail),
            tally=repr(tally),
        )
        checks_text = _template("pytest_canary.tmpl").substitute(
            must_pass=must_pass, must_fail=must_fail
        )
        report = names.report_path + ".xml"
        flags = (
            f" -p {plugin} --junitxml={report} -o junit_family=xunit1 -p no:cacheprovider"
            + "".join(" " + shlex.quote(p) for p in selected)
        )
        return PreparedRun(
            command=command + flags,
            report_path=report,
            files={f"{names.report_dir}/{plugin}.py": plugin_text, checks: checks_text},
            env={
                "PYTHONSAFEPATH": "1",
                "AUTOFIX_RUN_OUTPUT": "/proc/$$/fd/1",
                "PYTHONPATH": f"{names.report_dir}${{PYTHONPATH:+:$PYTHONPATH}}",
            },
            canary=CanaryIds(
                must_pass=f"{checks}::{must_pass}",
                must_fail=f"{checks}::{must_fail}",
                tally=tally,
            ),
        )

    def parse(self, report: str) -> dict[str, Outcome]:
        return dict(parse_report("pytest", report).outcomes)

    def tests_failed(self, exit_code: int) -> bool:
        return exit_code == 1  # pytest's ExitCode.TESTS_FAILED
