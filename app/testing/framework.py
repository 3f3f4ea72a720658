"""The seam between the test runner and one test framework's conventions.

A `TestFramework` recognises the commands it understands and, for one run, `prepare`s it:
it adds the flags that make the runner write a per-test report to the path the harness chose
(`RunNames.report_path`, outside the repository, random per run), names the selected test
paths the way the runner understands them (pytest: path arguments; Go: packages and `-run`),
and plans the two canary tests (`scaling.canary`): files written into the sandbox after the
patch is applied, one test that must pass and runs first, one that must fail and runs last,
with the ids the report will list them under. `parse` reads the report into outcomes by test
id (pure parsing belongs in `scaling/`); `tests_failed` says which exit code means "some tests
failed" and nothing worse, so the must-fail canary's expected failure is not held against the
run.

Adding a framework: write a class with these members in a module of its own under
`app/testing/frameworks/`, and add an instance to `FRAMEWORKS` there, before any framework that
would also match its commands. A command no framework matches is judged by its exit code alone.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from scaling.canary import CanaryIds
from scaling.testrun import Outcome


class RunNames(BaseModel):
    """Names chosen at random for one test run, so code under test cannot know them ahead."""

    model_config = ConfigDict(frozen=True)

    root: str = Field(description="Absolute path of the repository checkout in the sandbox.")
    report_dir: str = Field(description="Absolute directory, outside the repository, for the run.")
    near: str = Field(description="Repository directory the canary tests should live below.")
    tokens: tuple[str, ...] = Field(description="Random identifiers, letters first.")

    @classmethod
    def fresh(cls, root: str, near: str = "", count: int = 8) -> RunNames:
        def token() -> str:
            # A letter first, so every token is a valid identifier in any language.
            return secrets.choice("abcdefghijklmnopqrstuvwxyz") + secrets.token_hex(6)

        return cls(
            root=root,
            report_dir=f"/tmp/{token()}",
            near=near.strip("/"),
            tokens=tuple(token() for _ in range(count)),
        )

    @property
    def report_path(self) -> str:
        return f"{self.report_dir}/{self.tokens[0]}"


class PreparedRun(BaseModel):
    """What the harness writes and runs for one test run of a framework."""

    model_config = ConfigDict(frozen=True)

    command: str = Field(description="The shell command, with reporter flags and selection.")
    report_path: str = Field(description="Where the command writes its report.")
    files: dict[str, str] = Field(
        default_factory=dict,
        description="Files to write just before the run: repository-relative or absolute path "
        "-> text (the canary tests and anything the framework needs to run them).",
    )
    env: dict[str, str] = Field(
        default_factory=dict,
        description="Extra environment variables; each value is one shell word, expanded by the "
        "shell (it may refer to the variable's previous value as `$NAME`).",
    )
    canary: CanaryIds | None = Field(
        description="The canary tests' ids; None only for reports autofix cannot add tests to "
        "(`tests.report`), which are then read without an authenticity check."
    )
    canaries_apart: bool = Field(
        default=False,
        description="The canaries run in invocations of their own (`frameworks.sandwich`): the "
        "command's exit status is the repository's tests' alone, and the must-fail canary's "
        "expected failure never excuses it.",
    )


class TestFramework(Protocol):
    """One test framework: reporter flags, selection, canaries, report parsing, exit codes."""

    @property
    def name(self) -> str: ...

    def matches(self, command: str) -> bool:
        """True when `command` runs this framework (so its flags and report apply)."""
        ...

    def prepare(self, command: str, selected: Sequence[str], names: RunNames) -> PreparedRun:
        """The run of `command`, restricted to `selected` paths when there are any."""
        ...

    def parse(self, report: str) -> dict[str, Outcome]:
        """Outcomes by test id; raises ReportError when `report` is not a report."""
        ...

    def tests_failed(self, exit_code: int) -> bool:
        """True when `exit_code` means that some tests failed and nothing worse happened."""
        ...


TestFramework.__test__ = False  # type: ignore[attr-defined]
