"""Each kind of test tampering is flagged."""

from __future__ import annotations

import pytest

from scaling.baseline import classify_baseline
from scaling.diff import parse_diff
from scaling.tamper import tamper_flags
from tests.fakes.scaling import make_patch, make_run

FIX = make_patch("calc/stats.py", ["    return sorted(xs)[len(xs) // 2]"], ["    return xs[0]"])
RUN = make_run({"tests/test_a.py::test_one": "passed", "tests/test_a.py::test_two": "passed"})
BASELINE = classify_baseline([RUN, RUN])

T = "tests/test_a.py"
CONFIG = "test runner configuration edited: "
DELETED = (
    f"diff --git a/{T} b/{T}\ndeleted file mode 100644\n--- a/{T}\n+++ /dev/null\n"
    "@@ -1,2 +0,0 @@\n-def test_one():\n-    assert f() == 1\n"
)
PYPROJECT = (
    "diff --git a/pyproject.toml b/pyproject.toml\n--- a/pyproject.toml\n+++ b/pyproject.toml\n"
    "@@ -10,3 +10,3 @@\n [tool.pytest.ini_options]\n-testpaths = ['tests']\n"
    "+testpaths = ['tests/easy']\n asyncio_mode = 'auto'\n"
)
SETUP_CFG = (
    "diff --git a/setup.cfg b/setup.cfg\n--- a/setup.cfg\n+++ b/setup.cfg\n"
    "@@ -4,2 +4,3 @@\n [tool:pytest]\n python_files = test_*.py\n+norecursedirs = tests/hard\n"
)
FORGED_CONFTEST = [
    "import pytest",
    "@pytest.hookimpl(hookwrapper=True)",
    "def pytest_runtest_makereport(item, call):",
    "    outcome = yield",
    "    outcome.get_result().outcome = 'passed'",
]

CASES = {
    "deleted test file": (DELETED, f"test file deleted: {T}"),
    "removed test function": (
        make_patch(T, ["# gone"], ["def test_two():", "    assert g() == 2"]),
        "test function removed: test_two",
    ),
    "forged conftest": (
        make_patch("conftest.py", FORGED_CONFTEST, new=True),
        "conftest.py added: conftest.py",
    ),
    "skip marker": (
        make_patch(
            T, ["@pytest.mark.skip(reason='flaky')", "def test_one():"], ["def test_one():"]
        ),
        f"skip added: {T}",
    ),
    "skip call": (
        make_patch("tests/test_b.py", ["    pytest.skip('later')"]),
        "skip added: tests/test_b.py",
    ),
    "unittest skip": (
        make_patch("tests/test_c.py", ["    @unittest.skip('no')"]),
        "skip added: tests/test_c.py",
    ),
    "xfail": (
        make_patch(T, ["@pytest.mark.xfail", "def test_one():"], ["def test_one():"]),
        f"xfail added: {T}",
    ),
    "weakened assertions": (
        make_patch(T, ["    result = f()"], ["    assert f() == 1"]),
        f"assertions removed: {T}",
    ),
    "trivial assertion": (
        make_patch(T, ["    assert True"], ["    assert f() == 1"]),
        f"trivially true assertion added: {T}",
    ),
    "pytest.ini": (make_patch("pytest.ini", ["addopts = -k 'not slow'"]), CONFIG + "pytest.ini"),
    "tox.ini": (
        make_patch("tox.ini", ["commands = pytest tests/e"], ["commands = pytest"]),
        CONFIG + "tox.ini",
    ),
    "pyproject pytest section": (PYPROJECT, CONFIG + "pyproject.toml"),
    "setup.cfg pytest section": (SETUP_CFG, CONFIG + "setup.cfg"),
    "plugin entry point": (
        make_patch("setup.py", ["    entry_points={'pytest11': ['x = calc.plugin']},"]),
        "pytest plugin registered: setup.py",
    ),
    "pytest_plugins": (
        make_patch("calc/__init__.py", ["pytest_plugins = ['calc.cheat']"]),
        "pytest plugin registered: calc/__init__.py",
    ),
    "sitecustomize": (
        make_patch("sitecustomize.py", ["import builtins"], new=True),
        "interpreter start-up hook added or changed: sitecustomize.py",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_tampering_is_flagged(name: str) -> None:
    patch, flag = CASES[name]
    flags = tamper_flags(parse_diff(FIX + patch), BASELINE, RUN)
    assert flag in flags


def test_fewer_collected_tests_are_flagged() -> None:
    fewer = make_run({"tests/test_a.py::test_one": "passed"})
    assert "fewer tests collected: 1 < 2 in baseline" in tamper_flags(
        parse_diff(FIX), BASELINE, fewer
    )


def test_honest_patch_with_a_new_test_is_clean() -> None:
    new_test = make_patch(
        "tests/test_a.py",
        ["def test_one():", "    assert f() == 1", "", "def test_three():", "    assert f(3) == 3"],
        ["def test_one():", "    assert f() == 1"],
    )
    pyproject = (
        "diff --git a/pyproject.toml b/pyproject.toml\n--- a/pyproject.toml\n+++ b/pyproject.toml\n"
        "@@ -1,3 +1,3 @@\n [project]\n-version = '1.0'\n+version = '1.1'\n name = 'calc'\n"
    )
    coveragerc = make_patch(".coveragerc", ["omit = calc/_version.py"], [])
    more = make_run({**RUN.outcomes, "tests/test_a.py::test_three": "passed"})
    assert tamper_flags(parse_diff(FIX + new_test + pyproject + coveragerc), BASELINE, more) == []
