"""A test command that is a Makefile rule or a script is judged by its exit status: a patch
that makes the recipe or the script succeed must be flagged. Diffs as real git writes them."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaling.baseline import classify_baseline
from scaling.diff import parse_diff
from scaling.gate import decide_gate
from scaling.tamper import tamper_flags
from scaling.testrun import TestRun
from tests.fakes.example_repo import FIXED_MEDIAN, git, make_patch, make_repo

MAKEFILE = """PYTHON ?= python3

build:
\t$(PYTHON) -m compileall -q calc

test: build
\t$(PYTHON) -m pytest -q

docs:
\techo docs
"""
SCRIPT = '#!/bin/sh\nset -e\npython3 -m pytest -q "$@"\n'
# Exit status only: the unpatched code fails, the patched run exits 0.
BASELINE = classify_baseline([TestRun(exit_code=1)])
RUN = TestRun(exit_code=0)


def patch_for(tmp_path: Path, edits: dict[str, str | None]) -> str:
    repo = make_repo(tmp_path)
    (repo / "Makefile").write_text(MAKEFILE)
    (repo / "bin").mkdir()
    (repo / "bin" / "run_tests.sh").write_text(SCRIPT)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "runner")
    return make_patch(repo, {"calc/stats.py": FIXED_MEDIAN, **edits})


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("Makefile", MAKEFILE.replace("\t$(PYTHON) -m pytest -q", "\ttrue")),
        ("Makefile", MAKEFILE.replace("PYTHON ?= python3", "PYTHON ?= true")),
        ("bin/run_tests.sh", SCRIPT.replace('python3 -m pytest -q "$@"', "exit 0")),
    ],
)
def test_a_recipe_or_script_that_now_succeeds_bars_the_patch(
    tmp_path: Path, path: str, text: str
) -> None:
    files = parse_diff(patch_for(tmp_path, {path: text}))
    flags = tamper_flags(files, BASELINE, RUN)
    assert any(flag.endswith(f"edited: {path}") for flag in flags), flags
    assert not decide_gate("r0-0", files, BASELINE, RUN, None, flags).passed


def test_other_rules_and_the_fix_alone_are_not_flagged(tmp_path: Path) -> None:
    docs = MAKEFILE.replace("\techo docs", "\techo documentation")
    files = parse_diff(patch_for(tmp_path, {"Makefile": docs}))
    assert tamper_flags(files, BASELINE, RUN) == []
    assert decide_gate("r0-0", files, BASELINE, RUN, None, []).passed
