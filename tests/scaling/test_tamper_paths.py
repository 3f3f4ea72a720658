"""Tamper checks on diffs as git really writes them: quoted non-ASCII paths, new modules that
shadow the runner or the standard library, hooks set by assignment."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaling.baseline import classify_baseline
from scaling.diff import parse_diff
from scaling.tamper import tamper_flags
from scaling.testpaths import is_test_path
from tests.fakes.example_repo import FIXED_MEDIAN, make_patch, make_repo
from tests.fakes.scaling import make_run

RUN = make_run({"tests/test_stats.py::test_mean": "passed"})
BASELINE = classify_baseline([RUN])
FIX = {"calc/stats.py": FIXED_MEDIAN}
ASSIGNED_HOOK = """import pytest


def _always_passed(item, call):
    outcome = yield
    outcome.get_result().outcome = "passed"


pytest_runtest_makereport = pytest.hookimpl(hookwrapper=True)(_always_passed)
"""


def flags_for(tmp_path: Path, edits: dict[str, str | None]) -> list[str]:
    """Tamper flags of the diff real git writes for `edits` on top of the calc fix."""
    patch = make_patch(make_repo(tmp_path), {**FIX, **edits})
    return tamper_flags(parse_diff(patch), BASELINE, RUN)


def test_a_conftest_at_a_quoted_non_ascii_path_is_flagged(tmp_path: Path) -> None:
    patch = make_patch(make_repo(tmp_path), {**FIX, "tests/ü/conftest.py": ASSIGNED_HOOK})
    assert '"b/tests/\\303\\274/conftest.py"' in patch  # git quotes the path
    flags = tamper_flags(parse_diff(patch), BASELINE, RUN)
    assert "conftest.py added: tests/ü/conftest.py" in flags


def test_a_hook_set_by_assignment_is_flagged_anywhere(tmp_path: Path) -> None:
    flags = flags_for(tmp_path, {"calc/plugin.py": ASSIGNED_HOOK})
    assert "pytest hook defined outside conftest.py: calc/plugin.py" in flags
    by_setattr = 'setattr(__import__("calc"), "pytest_collection_modifyitems", print)\n'
    assert "pytest hook defined outside conftest.py: calc/sneak.py" in flags_for(
        tmp_path / "b", {"calc/sneak.py": by_setattr}
    )


@pytest.mark.parametrize(
    ("path", "flag"),
    [
        ("pytest.py", "module added that shadows the test runner (pytest): pytest.py"),
        (
            "pytest/__init__.py",
            "module added that shadows the test runner (pytest): pytest/__init__.py",
        ),
        ("_pytest/main.py", None),  # a module inside the package is flagged by its package
        (
            "_pytest/__init__.py",
            "module added that shadows the test runner (_pytest): _pytest/__init__.py",
        ),
        ("tests/pytest.py", "module added that shadows the test runner (pytest): tests/pytest.py"),
        ("json.py", "module added that shadows the standard library (json): json.py"),
        ("calc/json.py", None),  # a submodule of the package shadows nothing
        ("sitecustomize.py", "interpreter start-up hook added or changed: sitecustomize.py"),
        ("usercustomize.py", "interpreter start-up hook added or changed: usercustomize.py"),
        ("calc/zz.pth", "interpreter start-up hook added or changed: calc/zz.pth"),
    ],
)
def test_new_modules_that_shadow_the_runner_or_stdlib_are_flagged(
    tmp_path: Path, path: str, flag: str | None
) -> None:
    flags = flags_for(tmp_path, {path: "import sys\n"})
    if flag is None:
        assert flags == []
    else:
        assert flag in flags


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("pytest.ini", "[pytest]\naddopts = -k 'not median'\n"),
        ("tox.ini", "[pytest]\naddopts = -x\n"),
        ("setup.cfg", "[tool:pytest]\naddopts = --deselect tests/test_stats.py\n"),
        (
            "pyproject.toml",
            '[project]\nname = "calc"\nversion = "0.1.0"\n\n[tool.pytest.ini_options]\n'
            'testpaths = ["tests/none"]\n',
        ),
    ],
)
def test_runner_configuration_changes_are_flagged(tmp_path: Path, path: str, text: str) -> None:
    assert f"test runner configuration edited: {path}" in flags_for(tmp_path, {path: text})


def test_an_honest_fix_has_no_flags(tmp_path: Path) -> None:
    assert flags_for(tmp_path, {}) == []


@pytest.mark.parametrize(
    ("path", "is_test"),
    [
        ("src/app.test.ts", True),
        ("web/button.spec.jsx", True),
        ("src/__tests__/app.ts", True),
        ("pkg/foo/bar_test.go", True),
        ("src/test/java/FooTest.java", True),
        ("spec/models/user_spec.rb", True),
        ("tests/unicode.rs", True),
        ("tests/ü/conftest.py", True),
        ("calc/stats.py", False),
        ("src/app.ts", False),
        ("contest.py", False),
        ("src/latest.go", False),
    ],
)
def test_one_test_path_rule_for_every_ecosystem(path: str, is_test: bool) -> None:
    assert is_test_path(path) is is_test
