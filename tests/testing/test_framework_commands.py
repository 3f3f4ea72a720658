"""How the Go, Rust and Node frameworks rewrite a repository's test command for one run."""

from __future__ import annotations

import pytest

from app.testing.framework import RunNames
from app.testing.frameworks import framework_for
from app.testing.frameworks.cargo_test import CargoTest
from app.testing.frameworks.gotest import GoTest
from app.testing.frameworks.javascript import JEST, MOCHA, VITEST
from app.testing.frameworks.node_test import NodeTest
from scaling.reports import ReportError

NAMES = RunNames.fresh("/workspace")


@pytest.mark.parametrize(
    ("command", "name"),
    [
        ("go test ./...", "go"),
        ("cd svc && go test -race ./...", "go"),
        ("cargo test --workspace", "cargo"),
        ("cargo +stable test", "cargo"),
        ("node --test", "node-test"),
        ("node --experimental-vm-modules --test test/", "node-test"),
        ("python3 -m pytest -q", "pytest"),
        ("npx --no-install jest --ci", "jest"),
        ("cd web && pnpm exec vitest run", "vitest"),
        ("yarn mocha --recursive", "mocha"),
    ],
)
def test_each_command_finds_its_framework(command: str, name: str) -> None:
    framework = framework_for(command)
    assert framework is not None and framework.name == name


@pytest.mark.parametrize(
    "command", ["make test", "npm test", "go vet ./...", "cargo build", "jest-lint", "eslint ."]
)
def test_other_commands_are_judged_by_exit_code(command: str) -> None:
    assert framework_for(command) is None


def test_go_selection_replaces_package_patterns_and_keeps_flags() -> None:
    run = GoTest().prepare(
        "go test -tags integration -run TestX ./... && echo done",
        ["pkg/a/a_test.go", "pkg/a/b_test.go", "cmd"],
        NAMES,
    )
    assert "go test -tags integration -run TestX ./pkg/a ./cmd && echo done" in run.command
    assert "./..." not in run.command.split("echo done")[0]


def test_go_runs_shuffle_with_the_run_seed_and_write_json() -> None:
    run = GoTest().prepare("go test ./...", [], NAMES)
    assert 'go test ./... -json -shuffle="$AUTOFIX_TEST_SEED"' in run.command
    assert all(path.startswith(NAMES.report_dir) for path in run.files)


def test_cargo_flags_go_before_the_test_binary_arguments() -> None:
    run = CargoTest().prepare("cargo test -- --test-threads=1", ["tests/unicode.rs"], NAMES)
    assert "cargo test --no-fail-fast --test unicode -- --test-threads=1" in run.command
    again = CargoTest().prepare("cargo test --no-fail-fast", ["src/lib.rs"], NAMES)
    assert again.command.count("--no-fail-fast") == 1


def test_node_reporters_follow_the_test_flag_and_files_come_last() -> None:
    run = NodeTest().prepare("node --test test/", ["test/holdout.test.js"], NAMES)
    assert "node --test --test-reporter=/tmp/" in run.command
    assert "--test-reporter-destination=stdout test/ test/holdout.test.js" in run.command


@pytest.mark.parametrize("framework", [GoTest(), CargoTest(), NodeTest()])
def test_a_report_missing_its_parts_is_refused(framework: GoTest) -> None:
    with pytest.raises(ReportError):
        framework.parse("TAP version 13\n1..0\n")


def test_jest_and_vitest_shuffle_with_the_run_seed() -> None:
    jest = JEST.prepare("npx --no-install jest", [], NAMES).command
    assert '--randomize --seed="$AUTOFIX_TEST_SEED"' in jest
    vitest = VITEST.prepare("npx --no-install vitest", ["src/a.test.ts"], NAMES).command
    assert '--sequence.seed="$AUTOFIX_TEST_SEED" src/a.test.ts' in vitest
    assert "vitest --run --reporter=json" in vitest
    assert "vitest run --reporter=json" in VITEST.prepare("vitest run", [], NAMES).command


def test_canary_runs_use_the_repository_launcher_without_its_configuration() -> None:
    run = MOCHA.prepare("cd web && yarn mocha", [], NAMES)
    assert "( cd web && yarn mocha --no-config --no-package --reporter=json" in run.command
