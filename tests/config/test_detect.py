"""Filling in the test command and protected paths from the repository's files."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from app.config import (
    ConfigError,
    NotAGitRepository,
    RepoFiles,
    detect_test_command,
    load_repo_config,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "calc"


def npm(script: str) -> str:
    return json.dumps({"scripts": {"test": script}})


def files(contents: dict[str, str]) -> RepoFiles:
    return RepoFiles(frozenset(contents), contents.get)


@pytest.mark.parametrize(
    ("contents", "command"),
    [
        ({"pyproject.toml": "", "tests/test_a.py": "", "pkg/a.py": ""}, "python3 -m pytest -q"),
        ({"tests/test_a.py": "", "pkg/a.py": ""}, "python3 -m pytest -q"),
        ({"pytest.ini": "[pytest]\n"}, "python3 -m pytest -q"),
        ({"package.json": json.dumps({"scripts": {"test": "jest"}})}, "npx --no-install jest"),
        ({"package.json": npm("tsc && jest"), "package-lock.json": "{}"}, "npm test"),
        ({"package.json": npm("vitest run"), "pnpm-lock.yaml": ""}, "pnpm exec vitest run"),
        ({"package.json": npm("mocha --recursive"), "yarn.lock": ""}, "yarn mocha --recursive"),
        ({"package.json": npm("node --test test/")}, "node --test test/"),
        ({"package.json": npm("jest $(cat files)")}, "npm test"),
        ({"package.json": npm("react-scripts test"), "yarn.lock": ""}, "yarn test"),
        ({"go.mod": "module x\n", "x_test.go": ""}, "go test ./..."),
        ({"Cargo.toml": "[package]\n"}, "cargo test"),
        ({"pom.xml": "<project/>", "src/test/java/ATest.java": ""}, "mvn -B test"),
        ({"build.gradle.kts": "", "gradlew": ""}, "./gradlew test"),
        ({"build.gradle": ""}, "gradle test"),
        ({"Makefile": "all:\n\ttrue\ntest: all\n\t./run\n"}, "make test"),
    ],
)
def test_detects_the_usual_test_commands(contents: dict[str, str], command: str) -> None:
    assert detect_test_command(files(contents)) == command


def test_npm_placeholder_script_is_not_a_test_suite() -> None:
    placeholder = {"scripts": {"test": 'echo "Error: no test specified" && exit 1'}}
    assert detect_test_command(files({"package.json": json.dumps(placeholder)})) is None


def test_a_makefile_without_test_target_is_not_detected() -> None:
    assert detect_test_command(files({"Makefile": "build:\n\tcc x.c\n"})) is None


def test_nothing_detected_asks_for_tests_command() -> None:
    with pytest.raises(ConfigError, match=r"set `tests.command` in \.github/autofix\.yml"):
        load_repo_config(files({"README.md": "hi"}))


def test_protected_defaults_to_the_test_directories() -> None:
    config = load_repo_config(files({"tests/test_a.py": "", "setup.py": "", "a.py": ""}))
    assert config.tests.protected == ("tests",)
    assert config.test_command == "python3 -m pytest -q"


def test_configured_values_win_over_detection() -> None:
    config = load_repo_config(
        files(
            {
                ".github/autofix.yml": "tests:\n  command: make check\n  protected: []\n",
                "tests/test_a.py": "",
            }
        )
    )
    assert config.tests.command == "make check" and config.tests.protected == ()


def test_missing_holdout_path_is_reported() -> None:
    with pytest.raises(ConfigError, match=r"`tests.holdout` .* names tests/gone"):
        load_repo_config(
            files(
                {".github/autofix.yml": "tests:\n  holdout: [tests/gone]\n", "tests/test_a.py": ""}
            )
        )


def test_override_text_is_used_instead_of_the_repository_file() -> None:
    repo = files({".github/autofix.yml": "rollouts: 7\n", "tests/test_a.py": ""})
    config = load_repo_config(repo, override=("rollouts: 2\n", "mine.yml"))
    assert config.rollouts == 2


def test_config_is_read_from_head_not_the_work_tree(tmp_path: Path) -> None:
    subprocess.run(["cp", "-r", str(EXAMPLE), str(tmp_path / "repo")], check=True)
    repo = tmp_path / "repo"
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@localhost"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "x"], check=True)
    (repo / ".github" / "autofix.yml").write_text("rollouts: not-committed\n")
    config = load_repo_config(RepoFiles.from_git(repo))
    assert config.rollouts == 2
    assert config.tests.holdout == ("tests/holdout",)


def test_a_directory_without_git_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotAGitRepository, match="git init"):
        RepoFiles.from_git(tmp_path)


@pytest.mark.parametrize(
    ("contents", "report"),
    [
        ({"pom.xml": "<project/>"}, "target/surefire-reports/TEST-*.xml"),
        ({"build.gradle": "", "gradlew": ""}, "build/test-results/test/TEST-*.xml"),
        ({"go.mod": "module x\n"}, None),
        (
            {"pom.xml": "", ".github/autofix.yml": "tests:\n  command: mvn -q verify\n"},
            None,
        ),
        (
            {"pom.xml": "", ".github/autofix.yml": "tests:\n  report: out/**/*.xml\n"},
            "out/**/*.xml",
        ),
    ],
)
def test_report_files_are_detected_only_with_the_command(
    contents: dict[str, str], report: str | None
) -> None:
    assert load_repo_config(files(contents)).tests.report == report


def test_suites_without_a_command_show_agents_every_suite() -> None:
    config = load_repo_config(
        files(
            {
                ".github/autofix.yml": "tests:\n  suites:\n"
                "    - {name: a, command: make a, paths: [a]}\n"
                "    - {name: b, command: make b, paths: [b], report: b/out.xml}\n",
                "pom.xml": "",
            }
        )
    )
    assert config.test_command == "(make a); (make b)"
    assert config.tests.report is None


def test_tests_beside_the_code_are_protected_too() -> None:
    config = load_repo_config(
        files(
            {
                "go.mod": "module x\n",
                "stats/stats.go": "",
                "stats/stats_test.go": "",
                "web/src/app.test.ts": "",
                "web/node_modules/lib/x.test.js": "",
                "tests/test_a.py": "",
            }
        )
    )
    assert config.tests.protected == ("tests", "stats/stats_test.go", "web/src/app.test.ts")


def test_detected_protected_files_leave_out_the_holdout() -> None:
    config = load_repo_config(
        files(
            {
                ".github/autofix.yml": "tests:\n  holdout: [src/hold.test.js]\n",
                "package.json": '{"scripts": {"test": "jest"}}',
                "src/a.test.js": "",
                "src/hold.test.js": "",
            }
        )
    )
    assert config.tests.protected == ("src/a.test.js",)
