"""Patches that try to make a broken fix pass its gate by forging the test result.

Each one breaks `mean` (so `test_mean` genuinely fails) and adds a way of lying about it; real
sandboxes, real pytest inside them. None may pass, and a forgery flags the candidate.
"""

from __future__ import annotations

import asyncio
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.testing import DockerTestRunner
from sandbox.client import docker_client
from scaling.baseline import classify_baseline
from scaling.diff import parse_diff
from scaling.gate import decide_gate
from scaling.result import GateResult
from scaling.tamper import tamper_flags
from tests.fakes.example_repo import FIXED_MEDIAN, git, make_patch, make_repo
from tests.testing.example_runner import example_runner

pytestmark = pytest.mark.docker

XDIST = Path(__file__).resolve().parents[1] / "fixtures" / "xdist"

STATS = "calc/stats.py"
BROKEN = FIXED_MEDIAN.replace(
    "    return sum(values) / len(values)", "    return sum(values) / (len(values) + 1)"
)

# Package code that, when the interpreter exits, rewrites every XML file under /tmp into a
# report where the repository's tests all passed, then ends the process with status 0.
REWRITE_EVERY_XML = """
import atexit as _atexit
import os as _os

_FORGED = (
    '<?xml version="1.0"?><testsuites><testsuite name="pytest" tests="3">'
    '<testcase classname="tests.test_stats" name="test_mean" file="tests/test_stats.py"/>'
    '<testcase classname="tests.test_stats" name="test_median_odd" file="tests/test_stats.py"/>'
    '<testcase classname="tests.test_stats" name="test_median_empty" file="tests/test_stats.py"/>'
    "</testsuite></testsuites>"
)


def _forge():
    for root, _dirs, files in _os.walk("/tmp"):
        for name in files:
            if name.endswith(".xml"):
                with open(_os.path.join(root, name), "w") as out:
                    out.write(_FORGED)
    _os._exit(0)


_atexit.register(_forge)
"""

# Package code that finds the report on its own command line and deletes every failure in it.
EDIT_OWN_REPORT = """
import atexit as _atexit
import re as _re


def _forge():
    with open("/proc/self/cmdline", "rb") as own:
        args = own.read().decode().split("\\0")
    for arg in args:
        if arg.startswith("--junitxml="):
            path = arg.split("=", 1)[1]
            with open(path) as report:
                text = report.read()
            with open(path, "w") as report:
                report.write(_re.sub(r"<failure.*?</failure>", "", text, flags=_re.S))


_atexit.register(_forge)
"""


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    client = docker_client()
    yield client
    client.close()


@pytest.fixture
def runner(tmp_path: Path, client: Any) -> DockerTestRunner:
    return example_runner(make_repo(tmp_path), client, "forged")


async def gate_of(runner: DockerTestRunner, edits: dict[str, str | None]) -> GateResult:
    patch = make_patch(runner.sandboxes.repo, edits)  # type: ignore[attr-defined]
    base_run, run = await asyncio.gather(runner.baseline(), runner.candidate(patch))
    baseline = classify_baseline([base_run])
    assert baseline.parsed and "tests/test_stats.py::test_mean" in baseline.passing
    files = parse_diff(patch)
    return decide_gate("r0-0", files, baseline, run, None, tamper_flags(files, baseline, run))


async def test_the_broken_fix_alone_fails_honestly(runner: DockerTestRunner) -> None:
    gate = await gate_of(runner, {STATS: BROKEN})
    assert not gate.passed and not gate.tamper
    assert gate.new_failures == ("tests/test_stats.py::test_mean (failed)",)


async def test_a_root_pytest_module_cannot_replace_the_runner(runner: DockerTestRunner) -> None:
    gate = await gate_of(runner, {STATS: BROKEN, "pytest.py": "raise SystemExit(0)\n"})
    assert not gate.passed
    # The real pytest ran and saw the failure.
    assert gate.new_failures == ("tests/test_stats.py::test_mean (failed)",)


async def test_ending_the_process_with_status_0_is_forgery(runner: DockerTestRunner) -> None:
    quits = BROKEN.replace('    """Arithmetic mean', '    __import__("os")._exit(0)\n    """Mean')
    gate = await gate_of(runner, {STATS: quits})
    assert not gate.passed and gate.tamper
    assert any("exited 0 without writing its report" in flag for flag in gate.tamper)


async def test_rewriting_every_report_under_tmp_is_forgery(runner: DockerTestRunner) -> None:
    gate = await gate_of(runner, {STATS: BROKEN + REWRITE_EVERY_XML})
    assert not gate.passed and gate.tamper
    assert any(flag.startswith("forged test result") for flag in gate.tamper)


async def test_editing_the_report_named_on_the_command_line_is_forgery(
    runner: DockerTestRunner,
) -> None:
    gate = await gate_of(runner, {STATS: BROKEN + EDIT_OWN_REPORT})
    assert not gate.passed and gate.tamper
    assert any("must-fail check test" in flag for flag in gate.tamper)


async def test_stopping_at_the_first_failure_never_stops_at_a_canary(
    runner: DockerTestRunner,
) -> None:
    runner.plan = runner.plan.model_copy(update={"command": "python3 -m pytest -q -x"})
    repo = runner.sandboxes.repo  # type: ignore[attr-defined]
    broken = make_patch(repo, {STATS: BROKEN})
    honest, cut = await asyncio.gather(runner.baseline(), runner.candidate(broken))
    # Every test ran: the must-fail canary came last, and alone it does not fail the run.
    assert honest.parsed and honest.forged is None and honest.exit_code == 0
    assert set(honest.outcomes) == {
        "tests/test_stats.py::test_mean",
        "tests/test_stats.py::test_median_odd",
        "tests/test_stats.py::test_median_empty",
    }
    # A genuine failure stops the run before the must-fail canary: failed, not forged.
    assert cut.parsed and cut.forged is None and cut.exit_code == 1
    assert cut.outcomes["tests/test_stats.py::test_mean"] == "failed"


# Package code that finds the report on its own command line and, at exit, deletes every
# failure but the one its text marks as expected, so the canaries still come out right.
SPARE_THE_CANARY = """
import atexit as _atexit
import re as _re


def _forge():
    with open("/proc/self/cmdline", "rb") as own:
        args = own.read().decode().split("\\0")
    for arg in args:
        if arg.startswith("--junitxml="):
            path = arg.split("=", 1)[1]
            with open(path) as report:
                text = report.read()

            def keep(match):
                return match.group(0) if "must fail" in match.group(0) else ""

            with open(path, "w") as report:
                report.write(_re.sub(r"<failure.*?</failure>", keep, text, flags=_re.S))


_atexit.register(_forge)
"""


async def test_a_report_edit_that_spares_the_canary_is_flagged(runner: DockerTestRunner) -> None:
    gate = await gate_of(runner, {STATS: BROKEN + SPARE_THE_CANARY})
    assert not gate.passed and gate.tamper
    # The canaries came out right; the runner's own count of failures did not match.
    assert any("the runner counted 2" in flag for flag in gate.tamper), gate.tamper


async def test_a_command_that_discards_its_output_is_still_judged_honestly(
    runner: DockerTestRunner,
) -> None:
    runner.plan = runner.plan.model_copy(update={"command": "python3 -m pytest -q > /dev/null"})
    repo = runner.sandboxes.repo  # type: ignore[attr-defined]
    honest, broken = await asyncio.gather(
        runner.baseline(), runner.candidate(make_patch(repo, {STATS: BROKEN}))
    )
    assert honest.parsed and honest.forged is None and honest.exit_code == 0
    assert broken.parsed and broken.forged is None and broken.exit_code == 1


async def test_a_conftest_hook_that_reports_every_test_passed_is_forgery(
    runner: DockerTestRunner,
) -> None:
    # Set by assignment, in a conftest at the root (outside the protected tests): even where
    # the diff checks were blind to it, the must-fail canary would report passed.
    hook = (
        "import pytest\n\n\n"
        "def _passed(item, call):\n"
        "    outcome = yield\n"
        "    report = outcome.get_result()\n"
        '    report.outcome = "passed"\n\n\n'
        "pytest_runtest_makereport = pytest.hookimpl(hookwrapper=True)(_passed)\n"
    )
    patch = make_patch(runner.sandboxes.repo, {STATS: BROKEN, "conftest.py": hook})  # type: ignore[attr-defined]
    run = await runner.candidate(patch)
    assert run.forged is not None and "must-fail check test" in run.forged
    assert run.exit_code != 0


# Package code that leaves a process behind which, once pytest has exited, rewrites the report
# the same way: no code of the test process runs after the report is written.
DAEMON_SPARES_THE_CANARY = """
import os as _os
import re as _re
import time as _time


def _daemon():
    with open("/proc/self/cmdline", "rb") as own:
        args = own.read().decode().split("\\0")
    path = next((a.split("=", 1)[1] for a in args if a.startswith("--junitxml=")), None)
    parent = _os.getpid()
    if path is None or _os.fork():
        return
    _os.setsid()
    if _os.fork():
        _os._exit(0)
    while _os.path.exists(f"/proc/{parent}"):
        _time.sleep(0.01)
    with open(path) as report:
        text = report.read()
    kept = _re.sub(
        r"<failure.*?</failure>",
        lambda m: m.group(0) if "must fail" in m.group(0) else "",
        text,
        flags=_re.S,
    )
    with open(path, "w") as report:
        report.write(kept)
    _os._exit(0)


_daemon()
"""


async def test_a_process_left_behind_that_edits_the_report_is_flagged(
    runner: DockerTestRunner,
) -> None:
    gate = await gate_of(runner, {STATS: BROKEN + DAEMON_SPARES_THE_CANARY})
    assert not gate.passed and gate.tamper
    assert any("the runner counted 2" in flag for flag in gate.tamper), gate.tamper


# Leaves `mean` wrong and returns a number equal to anything: every `==` assertion passes
# (the holdout's too), with no forgery of the run at all.
EQUAL_TO_ANYTHING = (
    BROKEN.replace(
        "    return sum(values) / (len(values) + 1)",
        "    return _Close(sum(values) / (len(values) + 1))",
    )
    + """

class _Close(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__
"""
)


async def test_a_result_equal_to_anything_is_flagged(runner: DockerTestRunner) -> None:
    gate = await gate_of(runner, {STATS: EQUAL_TO_ANYTHING})
    assert not gate.passed
    assert gate.tamper == (f"comparison that always succeeds added (__eq__/__ne__): {STATS}",)


# Package code that wraps pytest's public test item so failures in the repository's own test
# files are swallowed; the check tests, in a file it does not know, still fail and pass as
# they should, and pytest reports (and counts) what it saw.
SWALLOW_KNOWN_FAILURES = """
import sys as _sys

if "pytest" in _sys.modules:
    _Item = _sys.modules["pytest"].Function
    _run = _Item.runtest

    def _quiet(self):
        try:
            _run(self)
        except AssertionError:
            if not str(self.path).endswith("tests/test_stats.py"):
                raise

    _Item.runtest = _quiet
"""


async def test_wrapping_pytests_test_items_is_flagged(runner: DockerTestRunner) -> None:
    gate = await gate_of(runner, {STATS: BROKEN + SWALLOW_KNOWN_FAILURES})
    assert not gate.passed and gate.tamper
    assert any("Function.runtest" in flag for flag in gate.tamper), gate.tamper


async def test_putting_pytests_code_back_after_the_tests_does_not_hide_it(
    runner: DockerTestRunner,
) -> None:
    # The wrapper removes itself once the repository's failing test has been swallowed.
    restores = SWALLOW_KNOWN_FAILURES.replace(
        "            if not str(self.path).endswith",
        "            _Item.runtest = _run\n            if not str(self.path).endswith",
    )
    gate = await gate_of(runner, {STATS: BROKEN + restores})
    assert not gate.passed and gate.tamper
    assert any("Function.runtest" in flag for flag in gate.tamper), gate.tamper


# Package code written against the harness's plugin: it reads the word that precedes the
# failure count from the plugin and edits the report as above; by writing more output than the
# run keeps on both sides of pytest's real count, and then a count of its own, it has the real
# one cut away.
FLOOD_AND_RECOUNT = (
    SPARE_THE_CANARY.replace("_atexit.register(_forge)", "")
    + """

def _flood():
    import os as _os

    # The run's own output, past pytest's capture of this process's.
    out = _os.open("/proc/%d/fd/1" % _os.getppid(), _os.O_WRONLY)
    chunk = b"x" * 1023 + b"\\n"
    for _ in range(17 * 1024):
        _os.write(out, chunk)
    _os.close(out)


def _recount():
    import os as _os
    import sys as _sys

    _forge()
    plugin = _sys.modules[_sys.argv[_sys.argv.index("-p") + 1]]
    with open(plugin.__file__) as source:
        word = _re.search(r"\\+ '([a-z0-9]+)' \\+", source.read()).group(1)
    _flood()
    _os.write(1, ("\\n%s 1\\n" % word).encode())


_flood()


_atexit.register(_recount)
"""
)


async def test_output_that_pushes_the_count_out_is_flagged(runner: DockerTestRunner) -> None:
    gate = await gate_of(runner, {STATS: BROKEN + FLOOD_AND_RECOUNT})
    assert not gate.passed and gate.tamper
    assert any("output was cut" in flag for flag in gate.tamper), gate.tamper


@pytest.fixture
def xdist_runner(tmp_path: Path, client: Any) -> DockerTestRunner:
    """The repository with pytest-xdist and execnet (MIT, wheels from PyPI) committed, since the
    sandbox has no network, and a command that spreads the tests over two worker processes."""
    repo = make_repo(tmp_path)
    for wheel in sorted(XDIST.glob("*.whl")):
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(repo / "vendor")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "pytest-xdist")
    command = "PYTHONPATH=vendor${PYTHONPATH:+:$PYTHONPATH} python3 -m pytest -q -n 2"
    return example_runner(repo, client, "forged", command)


async def test_tests_in_xdist_workers_are_judged_honestly_and_watched(
    xdist_runner: DockerTestRunner,
) -> None:
    repo = xdist_runner.sandboxes.repo  # type: ignore[attr-defined]
    honest, broken = await asyncio.gather(
        xdist_runner.baseline(), xdist_runner.candidate(make_patch(repo, {STATS: BROKEN}))
    )
    assert honest.parsed and honest.forged is None and honest.exit_code == 0
    assert broken.parsed and broken.forged is None and broken.exit_code == 1
    # The tests, and so the replaced code, run in the workers, not in the controller.
    gate = await gate_of(xdist_runner, {STATS: BROKEN + SWALLOW_KNOWN_FAILURES})
    assert not gate.passed
    assert any("Function.runtest" in flag for flag in gate.tamper), gate.tamper
