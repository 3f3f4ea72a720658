"""`autofix solve` refuses unusable input with exit code 2 and a message naming the fix."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from app.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "calc"
ISSUE = "# median() is wrong\n\nEven-sized inputs are not averaged.\n"


def commit_all(repo: Path) -> None:
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@localhost"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "base"], check=True)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "AUTOFIX_SANDBOX_IMAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-unused")
    shutil.copytree(EXAMPLE, tmp_path / "repo")
    (tmp_path / "repo" / "ISSUE.md").unlink()
    commit_all(tmp_path / "repo")
    (tmp_path / "issue.md").write_text(ISSUE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def solve(*extra: str, repo: str = "repo", issue: str = "issue.md") -> list[str]:
    return ["solve", "--repo", repo, "--issue-file", issue, "--out", "out", *extra]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    return code, capsys.readouterr().err


def test_missing_repository(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(solve(repo="nowhere"), capsys)
    assert code == 2 and "--repo nowhere: no such directory" in err


def test_directory_that_is_not_a_git_repository(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "plain").mkdir()
    code, err = run(solve(repo="plain"), capsys)
    assert code == 2 and "is not a git repository" in err and "git init" in err


def test_missing_issue_file(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(solve(issue="missing.md"), capsys)
    assert code == 2 and "--issue-file missing.md: no such file" in err


def test_issue_file_without_a_title(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "notitle.md").write_text("just words\n")
    code, err = run(solve(issue="notitle.md"), capsys)
    assert code == 2 and "no `# title` line" in err


def test_bad_config_names_key_and_line(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "bad.yml").write_text("rounds: 1\nrollouts: many\n")
    code, err = run(solve("--config", "bad.yml"), capsys)
    assert code == 2
    assert "`rollouts` on line 2 of bad.yml must be an integer between 1 and 64" in err


def test_bad_committed_config_is_reported_from_head(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "repo" / ".github" / "autofix.yml").write_text("rollouts: 2\nvotez: 3\n")
    commit_all(workdir / "repo")
    code, err = run(solve(), capsys)
    assert code == 2
    assert "unknown key `votez` on line 2 of .github/autofix.yml; did you mean `votes`?" in err


def test_missing_config_file(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(solve("--config", "none.yml"), capsys)
    assert code == 2 and "--config none.yml: no such file" in err


def test_bad_model_spec(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(solve("--model", "gpt5"), capsys)
    assert code == 2 and "--model" in err and "openai:MODEL@URL" in err


def test_no_api_key_says_how_to_set_one(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    code, err = run(solve(), capsys)
    assert code == 2 and "ANTHROPIC_API_KEY" in err and "--model openai:" in err


def test_output_inside_the_repository_is_refused(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run(
        ["solve", "--repo", "repo", "--issue-file", "issue.md", "--out", "repo/out"], capsys
    )
    assert code == 2 and "inside --repo" in err
    assert not (workdir / "repo" / "out").exists()


def test_unreachable_docker_engine(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{workdir}/no-docker.sock")
    code, err = run(solve(), capsys)
    assert code == 2 and "Docker engine not reachable" in err
    assert not (workdir / "out").exists()


@pytest.mark.docker
def test_missing_sandbox_image_says_how_to_build_it(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTOFIX_SANDBOX_IMAGE", "autofix-sandbox:missing-for-test")
    code, err = run(solve(), capsys)
    assert code == 2
    assert "autofix-sandbox:missing-for-test not found: run deploy/sandbox/build-base.sh" in err


@pytest.mark.docker
def test_missing_configured_image_says_how_to_get_it(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "img.yml").write_text("sandbox:\n  image: example.org/ci/python:missing\n")
    code, err = run(solve("--config", "img.yml"), capsys)
    assert code == 2 and "docker pull example.org/ci/python:missing" in err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", "--repo", "x"]) == 2
    assert "--issue-file" in capsys.readouterr().err


def test_services_refuse_to_start_without_their_settings(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AUTOFIX_GITHUB_APP_ID", "AUTOFIX_GITHUB_PRIVATE_KEY", "AUTOFIX_WEBHOOK_SECRET"):
        monkeypatch.delenv(name, raising=False)
    assert main(["worker"]) == 2
    assert "AUTOFIX_WEBHOOK_SECRET is not set" in capsys.readouterr().err


@pytest.mark.docker
def test_failing_setup_command_is_reported_before_any_model_call(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "setup.yml").write_text("sandbox:\n  setup:\n    - echo broken-setup; exit 3\n")
    code, err = run(solve("--config", "setup.yml"), capsys)
    assert code == 2
    assert "sandbox setup command" in err and "sandbox.setup" in err and "broken-setup" in err
    assert not (workdir / "out").exists()
