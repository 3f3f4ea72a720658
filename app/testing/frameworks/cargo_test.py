"""`cargo test`: libtest's text with every target run (`--no-fail-fast`), `tests/NAME.rs` as
`--test NAME`, canaries in a crate of their own outside the repository."""

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

_CARGO_TEST = re.compile(r"(^|[\s;&|(])cargo\s+(?:\+\S+\s+)?test(?=\s|$)")
_MANIFEST = """[package]
name = "{name}"
version = "0.1.0"
edition = "2018"

[lib]
path = "lib.rs"
doctest = false

[workspace]
"""
_LIB = """#[test]
fn {must_pass}() {{}}

#[test]
fn {must_fail}() {{
    panic!("this test must fail");
}}
"""

# Counts, on the pipe from `cargo test` itself, the failing tests libtest printed (per target,
# the artifact's hash left out, so a target never counts twice) and prints the count after the
# run's tally word: code under test can add lines to that pipe, never take one back, so a
# report edited afterwards lists fewer failures than this. Killing the counter fails the run.
_COUNT = (
    '/^ *(Running|Doc-tests) / { target = $0; sub(/ \\(.*\\)$/, "", target) } '
    "/^test .* \\.\\.\\. FAILED$/ { seen[target SUBSEP $0] = 1 } "
    'END { n = 0; for (k in seen) n++; print word " " n }'
)


def _targets(selected: Sequence[str]) -> list[str]:
    """`tests/NAME.rs` (in any crate of a workspace) runs as `--test NAME`."""
    targets: list[str] = []
    for path in selected:
        pure = PurePosixPath(path)
        if pure.suffix == ".rs" and pure.parent.name == "tests":
            targets += ["--test", pure.stem]
    return targets


def _with_flags(command: str, flags: Sequence[str]) -> str:
    """Cargo's own flags go before a `--` that starts the test binaries' arguments."""
    words = " ".join(shlex.quote(f) for f in flags)
    if not words:
        return command
    at = re.search(r"\s--(\s|$)", command)
    if at is None:
        return f"{command} {words}"
    return f"{command[: at.start()]} {words}{command[at.start() :]}"


class CargoTest:
    """Runs `cargo test` with `--no-fail-fast`, stdout and stderr together as the report."""

    name = "cargo"

    def matches(self, command: str) -> bool:
        return bool(_CARGO_TEST.search(command))

    def prepare(self, command: str, selected: Sequence[str], names: RunNames) -> PreparedRun:
        crate, must_pass, must_fail = names.tokens[1], names.tokens[2], names.tokens[3]
        directory = f"{names.report_dir}/{crate}"
        report = names.report_path
        parts = [f"{report}.{n}" for n in range(3)]

        def canary(test: str, part: str) -> str:
            return (
                # The test binary must not live in /tmp, which may not allow running programs.
                f'( cd {shlex.quote(directory)} && CARGO_TARGET_DIR="$HOME/.cache/autofix-canary" '
                f"cargo test --offline --lib -- --exact {test} ) > {shlex.quote(part)} 2>&1"
            )

        flags = [] if "--no-fail-fast" in command else ["--no-fail-fast"]
        tally, part = names.tokens[4], shlex.quote(parts[1])
        main = "set -o pipefail\n" + _with_flags(command, [*flags, *_targets(selected)])
        main += f" 2>&1 | tee {part} | awk -v word={tally} {shlex.quote(_COUNT)}"
        main += f"; __s=$?; tail -c 4000 {part}; exit $__s"
        label = f"{crate}/lib.rs::"
        return PreparedRun(
            command=sandwich(
                canary(must_pass, parts[0]), main, canary(must_fail, parts[2]), parts, report
            ),
            report_path=report,
            files={
                f"{directory}/Cargo.toml": _MANIFEST.format(name=crate),
                f"{directory}/lib.rs": _LIB.format(must_pass=must_pass, must_fail=must_fail),
            },
            canary=CanaryIds(must_pass=label + must_pass, must_fail=label + must_fail, tally=tally),
            canaries_apart=True,
        )

    def parse(self, report: str) -> dict[str, Outcome]:
        try:
            reports = [parse_report("cargo", part) for part in split_parts(report, 3)]
        except ReportError:
            raise
        except ValueError as exc:  # the parts of a joined report do not add up
            raise ReportError(str(exc)) from exc
        return dict(merge_reports(reports).outcomes)

    def tests_failed(self, exit_code: int) -> bool:
        return exit_code == 101
