"""`go test`: JSON events, packages for selection, shuffling by the run's seed, canaries in a
module of their own outside the repository."""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from pathlib import PurePosixPath

from app.testing.framework import PreparedRun, RunNames
from app.testing.frameworks.sandwich import sandwich, split_parts
from scaling.canary import CanaryIds
from scaling.reports import ReportError, merge_reports, parse_report
from scaling.testrun import Outcome

_GO_TEST = re.compile(r"(^|[\s;&|(])go\s+test(?=\s|$)")
# `go test` flags that take their value as the next argument.
_VALUED = frozenset(
    {
        "-run",
        "-skip",
        "-tags",
        "-timeout",
        "-count",
        "-p",
        "-parallel",
        "-cpu",
        "-bench",
        "-benchtime",
        "-coverprofile",
        "-covermode",
        "-coverpkg",
        "-exec",
        "-o",
        "-list",
        "-shuffle",
        "-vet",
        "-mod",
        "-modfile",
        "-ldflags",
        "-gcflags",
        "-asmflags",
        "-overlay",
        "-pkgdir",
        "-toolexec",
        "-cpuprofile",
        "-memprofile",
        "-blockprofile",
        "-mutexprofile",
        "-trace",
        "-outputdir",
        "-fuzz",
        "-fuzztime",
        "-fuzzminimizetime",
    }
)
_CANARY = """package {package}

import "testing"

func {must_pass}(t *testing.T) {{}}

func {must_fail}(t *testing.T) {{
	t.Fatal("this test must fail")
}}
"""

# Counts, on the pipe from `go test` itself, the distinct tests with a "fail" event, and prints
# the count after the run's tally word. Code under test can add lines to that pipe but never
# take back one `go test` wrote, so a report edited afterwards lists fewer failing tests than
# this count. (Killing the counter fails the pipeline, and so the run.)
_COUNT = (
    '/"Action":"fail"/ && match($0, /"Package":"[^"]*","Test":"([^"\\\\]|\\\\.)*"/) '
    "{ seen[substr($0, RSTART, RLENGTH)] = 1 } "
    'END { n = 0; for (k in seen) n++; print word " " n }'
)
# A test run more than once may fail once and pass once; its report keeps the last result.
_REPEATS = re.compile(r"(?:^|\s)-count[= ]?(?!1\b)\d+")


def _test_name(token: str) -> str:
    return "Test" + token[0].upper() + token[1:]


def _packages(selected: Sequence[str]) -> list[str]:
    """A Go file runs as its package; a directory as the package there."""
    packages: list[str] = []
    for path in selected:
        pure = PurePosixPath(path)
        folder = pure.parent if pure.suffix == ".go" else pure
        if folder.is_absolute():  # go test takes a directory inside the module as a package
            package = str(folder)
        else:
            package = "./" + str(folder) if str(folder) != "." else "."
        if package not in packages:
            packages.append(package)
    return packages


def _select(command: str, packages: list[str]) -> str:
    """The command with its package patterns replaced by `packages`."""
    match = _GO_TEST.search(command)
    if match is None or not packages:
        return command
    head, rest = command[: match.end()], command[match.end() :]
    end = re.search(r"[;&|)]", rest)
    tail = rest[end.start() :] if end else ""
    args = shlex.split(rest[: end.start()] if end else rest)
    kept: list[str] = []
    takes_value = False
    for arg in args:
        if takes_value or arg.startswith("-"):
            kept.append(arg)
            takes_value = not takes_value and arg in _VALUED
        # anything else is a package pattern, replaced by the selection
    words = " ".join(shlex.quote(a) for a in [*kept, *packages])
    return f"{head} {words} {tail}".rstrip()


class GoTest:
    """Runs `go test` with `-json` and `-shuffle` set to the run's seed."""

    name = "go"

    def matches(self, command: str) -> bool:
        return bool(_GO_TEST.search(command))

    def prepare(self, command: str, selected: Sequence[str], names: RunNames) -> PreparedRun:
        module, must_pass, must_fail = names.tokens[1], names.tokens[2], names.tokens[3]
        passing, failing = _test_name(must_pass), _test_name(must_fail)
        canary_dir = f"{names.report_dir}/{module}"
        report = names.report_path
        parts = [f"{report}.{n}" for n in range(4)]

        def canary(test: str, part: str) -> str:
            return (
                f"( cd {shlex.quote(canary_dir)} && GOFLAGS= GOWORK=off "
                f"go test -json -count=1 -run '^{test}$' . ) > {shlex.quote(part)}"
            )

        tally = None if _REPEATS.search(command) else names.tokens[4]
        main = _select(command, _packages(selected)) + ' -json -shuffle="$AUTOFIX_TEST_SEED"'
        if tally is None:
            main += f" > {shlex.quote(parts[2])}"
        else:
            count = shlex.quote(_COUNT)
            part = shlex.quote(parts[2])
            main = f"set -o pipefail\n{main} | tee {part} | awk -v word={tally} {count}"
        first = (
            f'mkdir -p "$GOTMPDIR"\ngo list -m 2>/dev/null | head -n 1 > {shlex.quote(parts[0])}\n'
        ) + canary(passing, parts[1])
        return PreparedRun(
            command=sandwich(first, main, canary(failing, parts[3]), parts, report),
            report_path=report,
            files={
                f"{canary_dir}/go.mod": f"module {module}\n\ngo 1.16\n",
                f"{canary_dir}/{module}_test.go": _CANARY.format(
                    package=module, must_pass=passing, must_fail=failing
                ),
            },
            # Test binaries are built and run from GOTMPDIR, /tmp by default, which sandboxes
            # may mount without exec permission.
            env={"GOTMPDIR": "$HOME/.cache/autofix-go-tmp"},
            canary=CanaryIds(
                must_pass=f"{module}::{passing}", must_fail=f"{module}::{failing}", tally=tally
            ),
            canaries_apart=True,
        )

    def parse(self, report: str) -> dict[str, Outcome]:
        try:
            module, *streams = split_parts(report, 4)
            reports = [parse_report("go", s, root=module.strip()) for s in streams]
        except ReportError:
            raise
        except ValueError as exc:  # the parts of a joined report do not add up
            raise ReportError(str(exc)) from exc
        return dict(merge_reports(reports).outcomes)

    def tests_failed(self, exit_code: int) -> bool:
        return exit_code == 1  # `go test`: 1 when tests failed, 2 when a build failed
