"""Signs, per ecosystem, that a patch skips, focuses, weakens or removes tests, or changes how
the test runner is configured, read from the diff alone.

Each language's patterns apply only to files of that language, so a Go variable named `skip`
or a Ruby method called `only` never counts. A test removed is a definition the patch deletes
from a test file and does not add back under the same name (renaming counts as removing).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from scaling.diff import FileDiff
from scaling.testpaths import is_test_path


@dataclass(frozen=True)
class Ecosystem:
    """How one language marks skipped, focused and defined tests."""

    suffixes: tuple[str, ...]
    skips: re.Pattern[str]
    # Runs only some tests (`it.only`, `fdescribe`): everything else silently stops running.
    focus: re.Pattern[str] | None = None
    # A definition whose last group is the test's name (no group: only counted).
    defines: re.Pattern[str] | None = None
    # Tests live in source files too (Rust's `mod tests`), not only in test paths.
    in_source: bool = False


_JS_CALLEE = r"\b(?:it|test|describe|context|suite|specify)"
ECOSYSTEMS: dict[str, Ecosystem] = {
    "go": Ecosystem(
        (".go",),
        re.compile(r"\b\w+\.Skip(?:Now|f)?\("),
        defines=re.compile(r"^\s*func\s+((?:Test|Benchmark|Fuzz|Example)\w*)\s*\("),
    ),
    "javascript": Ecosystem(
        (".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", ".mts", ".cts"),
        re.compile(
            _JS_CALLEE + r"\.(?:skip|todo)\b|\bx(?:it|describe|test|context)\s*\("
            r"|\bthis\.skip\(|\bt\.(?:skip|todo)\(|\{\s*(?:skip|todo)\s*:\s*(?!false)"
        ),
        focus=re.compile(_JS_CALLEE + r"\.only\b|\bf(?:it|describe)\s*\("),
        defines=re.compile(_JS_CALLEE + r"(?:\.\w+)*\s*\(\s*(['\"`])(.+?)\1"),
    ),
    "rust": Ecosystem(
        (".rs",),
        re.compile(r"#\[\s*ignore\b|#\[\s*should_panic\b"),
        defines=re.compile(r"#\[\s*(?:\w+::)?test\b"),
        in_source=True,
    ),
    "jvm": Ecosystem(
        (".java", ".kt", ".scala", ".groovy"),
        re.compile(r"@(?:Disabled|Ignore)\w*\b|\bAssumptions?\.assume|\bassume(?:True|False)\("),
        defines=re.compile(r"@(?:Test|ParameterizedTest|RepeatedTest|TestFactory)\b"),
    ),
    "ruby": Ecosystem(
        (".rb",),
        re.compile(r"^\s*(?:pending|skip|xit|xdescribe|xcontext|xspecify)\b"),
        focus=re.compile(r"^\s*f(?:it|describe|context)\b|\bfocus:\s*true"),
        defines=re.compile(r"^\s*(?:it|specify|test)\s*\(?\s*(['\"])(.+?)\1"),
    ),
    "php": Ecosystem(
        (".php",),
        re.compile(r"markTest(?:Skipped|Incomplete)\(|#\[\s*Group\(\s*['\"]skip|@group\s+skip"),
        defines=re.compile(r"^\s*(?:public\s+)?function\s+(test\w*)\s*\("),
    ),
}
# Files that configure a runner: any change to them changes which tests run, or how.
_RUNNER_CONFIG = re.compile(
    r"^(?:jest|vitest|vite|karma|playwright|cypress|ava|wdio)\.config\.[cm]?[jt]s(?:on)?$"
    r"|^\.mocharc(?:\.[a-z]+)?$|^\.nycrc|^phpunit\.xml(?:\.dist)?$|^\.rspec$"
)
# Lines of a manifest that configure testing, keyed by the manifest's name.
_MANIFEST_LINES: dict[str, re.Pattern[str]] = {
    "package.json": re.compile(r'"(?:test(?::\w+)?|jest|mocha|vitest|ava|nyc)"\s*:'),
    "Cargo.toml": re.compile(r"^\s*\[\[?(?:test|bench)\]?\]|^\s*(?:test|harness|doctest)\s*="),
    "pom.xml": re.compile(r"surefire|failsafe|skipTests|testFailureIgnore|<exclude|<test"),
    "build.gradle": re.compile(r"\btest\s*\{|\btests?\b.*\b(?:exclude|ignoreFailures|enabled)"),
    "build.gradle.kts": re.compile(r"\btest\s*\{|\btests?\b.*\b(?:exclude|ignoreFailures|enabled)"),
}
_GO_CONSTRAINT = re.compile(r"^\s*//\s*(?:go:build|\+build)\b")


def ecosystem_of(path: str) -> Ecosystem | None:
    """The ecosystem whose tests a file at `path` may hold, if any."""
    suffix = PurePosixPath(path).suffix
    ecosystem = next((e for e in ECOSYSTEMS.values() if suffix in e.suffixes), None)
    if ecosystem is None or not (ecosystem.in_source or is_test_path(path)):
        return None
    return ecosystem


def _more(pattern: re.Pattern[str], f: FileDiff) -> bool:
    added = sum(1 for line in f.added if pattern.search(line))
    return added > sum(1 for line in f.removed if pattern.search(line))


def ecosystem_flags(f: FileDiff) -> list[str]:
    """Skips, focus, build constraints and runner configuration a patch adds to one file."""
    name = PurePosixPath(f.path).name
    flags: list[str] = []
    ecosystem = ecosystem_of(f.path)
    if ecosystem is not None:
        if _more(ecosystem.skips, f):
            flags.append(f"skip added: {f.path}")
        if ecosystem.focus is not None and _more(ecosystem.focus, f):
            flags.append(f"focused test added (the rest stop running): {f.path}")
    if name.endswith("_test.go") and any(
        _GO_CONSTRAINT.search(line) for line in (*f.added, *f.removed)
    ):
        flags.append(f"build constraint on a Go test file changed: {f.path}")
    if _RUNNER_CONFIG.search(name):
        flags.append(f"test runner configuration edited: {f.path}")
    manifest = _MANIFEST_LINES.get(name)
    if manifest is not None and any(manifest.search(line) for line in (*f.added, *f.removed)):
        flags.append(f"test configuration in {name} edited: {f.path}")
    return flags


def _definitions(f: FileDiff, lines: Sequence[str]) -> list[str]:
    ecosystem = ecosystem_of(f.path)
    if ecosystem is None or ecosystem.defines is None:
        return []
    found: list[str] = []
    for line in lines:
        m = ecosystem.defines.search(line)
        if m:
            found.append(m.group(m.lastindex) if m.lastindex else "")
    return found


def removed_tests(files: Sequence[FileDiff]) -> list[str]:
    """Test definitions a patch deletes from test files and does not add back."""
    flags: list[str] = []
    for f in files:
        if ecosystem_of(f.old_path) is None:
            continue
        removed = _definitions(f, f.removed)
        added = _definitions(f, f.added)
        named = [n for n in removed if n and n not in added]
        flags.extend(f"test removed: {n} ({f.old_path})" for n in dict.fromkeys(named))
        unnamed = removed.count("") - added.count("")
        if unnamed > 0:
            flags.append(f"{unnamed} test(s) removed: {f.old_path}")
    return flags
