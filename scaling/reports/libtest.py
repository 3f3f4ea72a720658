"""`cargo test` output (libtest's text format), with or without `--no-fail-fast`.

Ids name the target: `calc/src/lib.rs::tests::adds` for unit tests (with the crate, which
cargo names through the test binary), `tests/api.rs::adds` for an integration test (cargo
does not say whose: the same file in two crates of a workspace counts as one target),
`calc/src/lib.rs - add` for a doc-test (line numbers left out, so moving code does not
rename tests; several examples on one item are numbered `#2`, `#3` in line order). An id
never depends on which other targets ran. Read stdout and stderr together: cargo names each
target on stderr.

Every `running N tests` block must end with its `test result:` line and list as many
results as that line counts. A block cut off before it and followed by cargo's report that
the test binary died is a crash, an error under the target's id; one cut off by the end of
the text means the output was cut short.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from scaling.reports.model import Outcomes, ReportError, TestReport
from scaling.testrun import Outcome

# Cargo right-aligns its status words to 12 columns; test output rarely looks like that.
_RUNNING = re.compile(r"^ {5}Running (unittests )?(.+?)(?: \((.+)\))?$")
_DOCTESTS = re.compile(r"^ {3}Doc-tests (\S+)$")
_BLOCK = re.compile(r"^running (\d+) tests?$")
_RESULT = re.compile(r"^test (.+?) \.\.\. (ok|FAILED|ignored(?:, .*)?|bench: .*)$")
_SUMMARY = re.compile(
    r"^test result: (?:ok|FAILED)\. (\d+) passed; (\d+) failed; (\d+) ignored; (\d+) measured;"
)
_CRASH = re.compile(r"process didn't exit successfully|^error: test failed|^error: doctest failed")
_ATTRIBUTES = re.compile(r"( - (?:should panic|compile fail|compile|no_run))+$")
_DOC_NAME = re.compile(r"^(.*) \(line (\d+)\)$")
_HASH = re.compile(r"-[0-9a-f]{8,}$")


@dataclass
class _Block:
    label: str
    doc_crate: str
    expected: int
    results: list[tuple[str, Outcome]] = field(default_factory=list)
    done: bool = False
    crashed: bool = False


def _outcome(word: str) -> Outcome:
    if word == "FAILED":
        return "failed"
    return "skipped" if word.startswith("ignored") else "passed"


def _artifact(path: str) -> str:
    name = path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".exe")
    return _HASH.sub("", name)


class _Reader:
    def __init__(self) -> None:
        self.blocks: list[_Block] = []
        self.label = ""
        self.doc_crate = ""

    @property
    def open_block(self) -> _Block | None:
        block = self.blocks[-1] if self.blocks else None
        return block if block is not None and not block.done else None

    def close_cut(self) -> None:
        """A new target starts while the last block is unfinished: its binary died."""
        block = self.open_block
        if block is not None:
            block.crashed = block.done = True

    def line(self, line: str) -> None:
        if m := _RUNNING.match(line):
            self.close_cut()
            unit, path, binary = m.groups()
            if binary is None:  # very old cargo names only the binary
                path = _artifact(path)
            self.label = f"{_artifact(binary or path)}/{path}" if unit else path
            self.doc_crate = ""
        elif m := _DOCTESTS.match(line):
            self.close_cut()
            self.doc_crate, self.label = m.group(1), m.group(1)
        elif m := _BLOCK.match(line):
            self.close_cut()
            self.blocks.append(_Block(self.label, self.doc_crate, int(m.group(1))))
        elif (block := self.open_block) is None:
            return
        elif m := _RESULT.match(line):
            block.results.append((_ATTRIBUTES.sub("", m.group(1)), _outcome(m.group(2))))
        elif m := _SUMMARY.match(line):
            counted = sum(int(n) for n in m.groups())
            if counted != len(block.results):
                raise ReportError(
                    f"cargo test output for {block.label or 'a test binary'} is garbled: "
                    f"it counts {counted} results but lists {len(block.results)} "
                    "(run it without --quiet and --format)"
                )
            block.done = True
        elif _CRASH.search(line):
            block.crashed = block.done = True


def _add_doc_tests(outcomes: Outcomes, block: _Block) -> None:
    by_item: dict[str, list[tuple[int, Outcome]]] = defaultdict(list)
    for name, outcome in block.results:
        m = _DOC_NAME.match(name)
        item, line = (m.group(1), int(m.group(2))) if m else (name, 0)
        by_item[item].append((line, outcome))
    for item, examples in by_item.items():
        for number, (_, outcome) in enumerate(sorted(examples), 1):
            suffix = "" if number == 1 else f" #{number}"
            outcomes.worst(f"{block.doc_crate}/{item}{suffix}", outcome)


def parse_cargo(text: str) -> TestReport:
    """Outcomes of every test in `cargo test` output; raises ReportError if unusable."""
    reader = _Reader()
    for raw in text.splitlines():
        reader.line(raw.rstrip())
    if not reader.blocks:
        raise ReportError(
            "cargo test output has no `running N tests` line: no test binary ran "
            "(did the build fail?)"
        )
    last = reader.blocks[-1]
    if not last.done:
        raise ReportError(
            f"cargo test output stops inside the tests of {last.label or 'a test binary'} "
            "(cut short?)"
        )
    outcomes = Outcomes()
    for block in reader.blocks:
        if block.doc_crate:
            _add_doc_tests(outcomes, block)
        else:
            prefix = f"{block.label}::" if block.label else ""
            for name, outcome in block.results:
                outcomes.worst(prefix + name, outcome)
        if block.crashed:
            outcomes.worst(block.label or "cargo test", "error")
    return outcomes.report("cargo")
