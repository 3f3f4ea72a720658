"""Judges whether a test run's report is authentic, from the two canary tests that rode along.

Every run the harness can parse carries two tests with names chosen at random for that run:
one that must pass (run first) and one that must fail (run last). Code under test that
forges the report (rewrites it, ends the process early with status 0, replaces the runner)
cannot know them in advance, so they come out wrong: the run is *forged*.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field

from scaling.testrun import Outcome

_FAILING: frozenset[Outcome] = frozenset({"failed", "error"})


class CanaryIds(BaseModel):
    """The test ids the two canaries of one run are reported under."""

    model_config = ConfigDict(frozen=True)

    must_pass: str
    must_fail: str
    tally: str | None = Field(
        default=None,
        description="Random word the runner prints, once, before the number of tests that "
        "failed as it saw them, when the report is written; None when it cannot.",
    )


class Authenticity(BaseModel):
    """A run's outcomes without the canaries, its exit code as judged, and why it is forged."""

    model_config = ConfigDict(frozen=True)

    outcomes: dict[str, Outcome]
    exit_code: int
    forged: str | None = None
    # The command failed but its report lists no failing test: the report is not evidence
    # (a rewritten report, or a failure the runner could not name); the run failed.
    unreadable: str | None = None


def judge_canaries(
    outcomes: Mapping[str, Outcome],
    exit_code: int,
    canary: CanaryIds,
    tests_failed: bool,
    *,
    apart: bool = False,
) -> Authenticity:
    """Forged: the must-fail canary passed or went missing, the must-pass one failed or went
    missing, or the command exited 0 although a test failed. A canary missing or failing in a
    run that a genuine failure cut short (`-x`, a collection error) is no forgery: that run
    simply failed. `tests_failed` says whether the exit code is the runner's "tests failed".

    The judged exit code is 0 when the must-fail canary is the only failure and the runner
    exited with its "tests failed" code; otherwise it is the runner's own. With `apart`, the
    canaries ran in invocations of their own and `exit_code` is the repository's command's
    alone: it is the judged exit code, never excused by the must-fail canary, so a command that
    failed fails its run whatever its report says.
    """
    rest = {t: o for t, o in outcomes.items() if t not in (canary.must_pass, canary.must_fail)}
    genuine = any(o in _FAILING for o in rest.values())
    passed_one = outcomes.get(canary.must_pass)
    failed_one = outcomes.get(canary.must_fail)

    def verdict(forged: str | None, code: int) -> Authenticity:
        return Authenticity(outcomes=rest, exit_code=code, forged=forged)

    if failed_one is not None and failed_one not in _FAILING:
        return verdict(f"the must-fail check test {canary.must_fail} was {failed_one}", 1)
    if exit_code == 0 and (genuine or (failed_one is not None and not apart)):
        return verdict("the test command exited 0 although tests failed", 1)
    if genuine:  # failed either way; -x or an early error may have kept a canary from running
        return verdict(None, exit_code or 1)
    if passed_one != "passed":
        what = "missing from the report" if passed_one is None else passed_one
        return verdict(f"the must-pass check test {canary.must_pass} was {what}", 1)
    if failed_one is None:
        return verdict(f"the must-fail check test {canary.must_fail} was missing", 1)
    if apart and exit_code != 0:
        return Authenticity(
            outcomes=rest,
            exit_code=exit_code,
            unreadable=f"the test command exited {exit_code} but its report lists no failing test",
        )
    return verdict(None, 0 if tests_failed and not apart else exit_code)


def judge_tally(
    outcomes: Mapping[str, Outcome], output: str, tally: str, cut_bytes: int = 0
) -> str | None:
    """Why the report disagrees with the runner's own count of failed tests, if it does.

    The runner prints `TALLY N` once, after writing its report, followed by `changed NAMES`
    when code that decides or records outcomes was replaced while the tests ran. A report with
    fewer failing tests than N was edited afterwards (at exit, by a process left running, by a
    wrapper script); a count missing or printed twice means something else wrote the output.
    Output cut in the middle (`cut_bytes`) may have lost the real count behind a forged one.
    """
    if cut_bytes:
        return (
            f"the run printed {cut_bytes} bytes more than is kept, so the runner's count of "
            "failed tests may have been cut (the output was cut); make the test command "
            "print less (drop -v, -s or debug logging from `tests.command`)"
        )
    lines = re.findall(
        rf"^{re.escape(tally)} (\d+)(?: changed (\S+))?$", output, flags=re.MULTILINE
    )
    if len(lines) != 1:
        return f"the runner's count of failed tests appeared {len(lines)} times, not once"
    count, changed = lines[0]
    if changed:
        return f"code under test replaced the test runner's {changed.replace(',', ', ')}"
    failing = sum(1 for o in outcomes.values() if o in _FAILING)
    if failing < int(count):
        return f"the report lists {failing} failing tests but the runner counted {count}"
    return None
