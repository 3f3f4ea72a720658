"""`node --test`: a report from autofix's own reporter (`node_reporter.mjs`, which names each
test's file, as Node's built-in reporters do not), files as path arguments, canaries as files
of their own run.

Node discovers test files itself unless given some, so the canaries cannot join the
repository's invocation; they run in their own, before and after it (`sandwich`). Their
files live outside the repository, so their ids start with an absolute path, which is
dropped: the canaries' ids are their test names.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from pathlib import Path

from app.testing.framework import PreparedRun, RunNames
from app.testing.frameworks.sandwich import (
    STRIP_COLOURS,
    sandwich,
    split_parts,
    without_outside_path,
)
from sandbox.builder import WORKSPACE
from scaling.canary import CanaryIds
from scaling.reports import ReportError, merge_reports, parse_report
from scaling.testrun import Outcome

_NODE_TEST = re.compile(r"(^|[\s;&|(])node\s+(?:-[^\s;&|]*\s+)*--test(?=\s|$)")
_FLAG_AT = re.compile(r"--test(?=\s|$)")
_REPORTER = (Path(__file__).resolve().parent / "node_reporter.mjs").read_text()
_PASS = "import {{ test }} from 'node:test';\ntest('{name}', () => {{}});\n"
_FAIL = (
    "import {{ test }} from 'node:test';\nimport assert from 'node:assert';\n"
    "test('{name}', () => {{ assert.fail('this test must fail'); }});\n"
)

# Passes the spec reporter's output through and prints, after the run's tally word, the
# highest `ℹ fail N` it gave: lines code under test adds can only raise it, and a report
# edited after the run lists fewer failures. Killing the counter fails the run.
_COUNT = (
    STRIP_COLOURS
    + "line ~ /^\u2139 fail [0-9]+$/ "
    + '{ split(line, f, " "); n = f[3] + 0; if (n > max) max = n } '
    + 'END { print word " " max + 0 }'
)


def _reporters(command: str, reporter: str, part: str) -> str:
    """`command` with its `--test` followed by autofix's reporter and Node's usual one
    (options after a file would be taken for files)."""
    match = _NODE_TEST.search(command)
    if match is None:
        return command
    flags = (
        f" --test-reporter={shlex.quote(reporter)} --test-reporter-destination={shlex.quote(part)}"
        " --test-reporter=spec --test-reporter-destination=stdout"
    )
    at = match.start() + _FLAG_AT.search(command[match.start() :]).end()  # type: ignore[union-attr]
    return command[:at] + flags + command[at:]


class NodeTest:
    """Runs `node --test` with autofix's report next to the usual spec output."""

    name = "node-test"

    def matches(self, command: str) -> bool:
        return bool(_NODE_TEST.search(command))

    def prepare(self, command: str, selected: Sequence[str], names: RunNames) -> PreparedRun:
        folder, must_pass, must_fail = names.tokens[1], names.tokens[2], names.tokens[3]
        directory = f"{names.report_dir}/{folder}"
        pass_file, fail_file = f"{directory}/{must_pass}.mjs", f"{directory}/{must_fail}.mjs"
        reporter = f"{names.report_dir}/{names.tokens[4]}.mjs"
        report = names.report_path
        parts = [f"{report}.{n}" for n in range(3)]

        def canary(file: str, part: str) -> str:
            return (
                f"node --test --test-reporter={shlex.quote(reporter)}"
                f" --test-reporter-destination={shlex.quote(part)} {shlex.quote(file)}"
            )

        main = _reporters(command, reporter, parts[1])
        main += "".join(" " + shlex.quote(p) for p in selected)
        tally = names.tokens[5]
        main = f"set -o pipefail\n{main} | awk -v word={tally} {shlex.quote(_COUNT)}"
        return PreparedRun(
            command=sandwich(
                canary(pass_file, parts[0]), main, canary(fail_file, parts[2]), parts, report
            ),
            report_path=report,
            files={
                reporter: _REPORTER,
                pass_file: _PASS.format(name=must_pass),
                fail_file: _FAIL.format(name=must_fail),
            },
            canary=CanaryIds(must_pass=must_pass, must_fail=must_fail, tally=tally),
            canaries_apart=True,
        )

    def parse(self, report: str) -> dict[str, Outcome]:
        try:
            parts = split_parts(report, 3)
            reports = [parse_report("node-events", p, WORKSPACE) for p in parts]
        except ReportError:
            raise
        except ValueError as exc:  # the parts of a joined report do not add up
            raise ReportError(str(exc)) from exc
        outcomes = merge_reports(reports).outcomes
        return {without_outside_path(test): outcome for test, outcome in outcomes.items()}

    def tests_failed(self, exit_code: int) -> bool:
        return exit_code == 1
