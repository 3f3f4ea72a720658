"""Jest, Vitest and Mocha: JSON reports, files as path arguments, shuffling where the runner
can, canaries in a run of their own (the runner's own configuration would decide whether a
file outside it runs at all).

The canary runs use the same launcher as the repository's command (`npx --no-install jest`,
`cd web && pnpm exec vitest`, …), so they find the runner the repository installed, but none
of its configuration. Their files live outside the repository; a test there is reported
under its absolute path, which is dropped, so the canaries' ids are their titles.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from app.testing.framework import PreparedRun, RunNames
from app.testing.frameworks.sandwich import (
    STRIP_COLOURS,
    sandwich,
    split_parts,
    without_outside_path,
)
from sandbox.builder import WORKSPACE
from scaling.canary import CanaryIds
from scaling.reports import ReportError, ReportFormat, merge_reports, parse_report
from scaling.testrun import Outcome

_PASS = "test('{name}', () => {{}});\n"
_FAIL = "test('{name}', () => {{ throw new Error('this test must fail'); }});\n"
_MOCHA_PASS = "it('{name}', () => {{}});\n"
_MOCHA_FAIL = "it('{name}', () => {{ throw new Error('this test must fail'); }});\n"


@dataclass(frozen=True)
class _Runner:
    name: str
    word: str
    fmt: ReportFormat
    # Flags that make the repository's command write its report to `part`.
    flags: Callable[[str, str], str]
    # Arguments of a canary run of `file`, writing to `part`, in `directory`.
    canary_args: Callable[[str, str, str], str]
    texts: tuple[str, str]
    # An awk program that passes the command's output through and, at its end, prints the
    # number of failed tests the runner's own summary gave after the word `word`; None when
    # the runner prints no summary beside its JSON report.
    count: str | None = None
    # The runner's exit status is its number of failed tests (Mocha: at most 255), printed
    # after the word as its count.
    status_counts: bool = False

    @property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(rf"(^|[\s/;&|(]){self.word}(?=\s|$)")


# Jest prints `Tests: N failed, …` on stderr whatever the report. Lines added by code under test
# can only raise the highest count, never hide the one Jest printed.
_JEST_COUNT = (
    STRIP_COLOURS + "line ~ /^Tests:/ && match(line, /[0-9]+ failed/) "
    "{ n = substr(line, RSTART, RLENGTH) + 0; if (n > max) max = n } "
    'END { print word " " max + 0 }'
)

# Vitest's default reporter, run beside the JSON one, prints `Tests  N failed | …`.
_VITEST_COUNT = (
    STRIP_COLOURS + "line ~ /^ *Tests +[0-9]+ failed/ && match(line, /[0-9]+ failed/) "
    "{ n = substr(line, RSTART, RLENGTH) + 0; if (n > max) max = n } "
    'END { print word " " max + 0 }'
)


def _jest_flags(command: str, part: str) -> str:
    return f' --ci --json --outputFile={shlex.quote(part)} --randomize --seed="$AUTOFIX_TEST_SEED"'


def _jest_canary(directory: str, file: str, part: str) -> str:
    config = json.dumps({"rootDir": directory, "testMatch": [file], "watchman": False})
    return f"--ci --json --outputFile={shlex.quote(part)} --config={shlex.quote(config)}"


def _vitest_flags(command: str, part: str) -> str:
    run = "" if re.search(r"\bvitest\s+run\b|--run\b", command) else " --run"
    return (
        f"{run} --reporter=json --reporter=default --outputFile={shlex.quote(part)}"
        ' --sequence.shuffle --sequence.seed="$AUTOFIX_TEST_SEED"'
    )


def _vitest_canary(directory: str, file: str, part: str) -> str:
    return (
        f"run --root={shlex.quote(directory)} --globals --reporter=json"
        f" --outputFile={shlex.quote(part)} {shlex.quote(file)}"
    )


def _mocha_flags(command: str, part: str) -> str:
    return f" --reporter=json --reporter-option=output={shlex.quote(part)}"


def _mocha_canary(directory: str, file: str, part: str) -> str:
    return (
        f"--no-config --no-package --reporter=json --reporter-option=output={shlex.quote(part)}"
        f" {shlex.quote(file)}"
    )


class JavaScriptRunner:
    """One of Jest, Vitest or Mocha, run with its JSON reporter."""

    def __init__(self, runner: _Runner) -> None:
        self._runner = runner
        self.name = runner.name

    def matches(self, command: str) -> bool:
        return bool(self._runner.pattern.search(command))

    def prepare(self, command: str, selected: Sequence[str], names: RunNames) -> PreparedRun:
        runner = self._runner
        match = runner.pattern.search(command)
        assert match is not None, "prepare() is only called for commands that match()"
        launcher = command[: match.end()]
        folder, must_pass, must_fail = names.tokens[1], names.tokens[2], names.tokens[3]
        directory = f"{names.report_dir}/{folder}"
        files = {
            f"{directory}/{must_pass}.test.js": runner.texts[0].format(name=must_pass),
            f"{directory}/{must_fail}.test.js": runner.texts[1].format(name=must_fail),
        }
        report = names.report_path
        parts = [f"{report}.{n}" for n in range(3)]

        def canary(file: str, part: str) -> str:
            return f"( {launcher} {runner.canary_args(directory, file, part)} ) >/dev/null 2>&1"

        selection = "".join(" " + shlex.quote(p) for p in selected)
        main = command + runner.flags(command, parts[1]) + selection
        tally = None if runner.count is None and not runner.status_counts else names.tokens[4]
        if runner.count is not None:
            count = shlex.quote(runner.count)
            main = f"set -o pipefail\n{main} 2>&1 | awk -v word={tally} {count}"
        elif runner.status_counts:
            main = f'{main}\n__autofix_m=$?\necho "{tally} $__autofix_m"\nexit "$__autofix_m"'
        pass_file, fail_file = files
        return PreparedRun(
            command=sandwich(
                canary(pass_file, parts[0]), main, canary(fail_file, parts[2]), parts, report
            ),
            report_path=report,
            files=files,
            canary=CanaryIds(must_pass=must_pass, must_fail=must_fail, tally=tally),
            canaries_apart=True,
        )

    def parse(self, report: str) -> dict[str, Outcome]:
        fmt = self._runner.fmt
        try:
            reports = [parse_report(fmt, p, WORKSPACE) for p in split_parts(report, 3)]
        except ReportError:
            raise
        except ValueError as exc:  # the parts of a joined report do not add up
            raise ReportError(str(exc)) from exc
        outcomes = merge_reports(reports).outcomes
        return {without_outside_path(test): outcome for test, outcome in outcomes.items()}

    def tests_failed(self, exit_code: int) -> bool:
        return exit_code == 1


JEST = JavaScriptRunner(
    _Runner("jest", "jest", "jest", _jest_flags, _jest_canary, (_PASS, _FAIL), _JEST_COUNT)
)
VITEST = JavaScriptRunner(
    _Runner(
        "vitest", "vitest", "vitest", _vitest_flags, _vitest_canary, (_PASS, _FAIL), _VITEST_COUNT
    )
)
MOCHA = JavaScriptRunner(
    _Runner(
        "mocha",
        "mocha",
        "mocha",
        _mocha_flags,
        _mocha_canary,
        (_MOCHA_PASS, _MOCHA_FAIL),
        status_counts=True,
    )
)
