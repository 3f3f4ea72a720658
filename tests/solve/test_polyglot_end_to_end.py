"""`autofix solve` on Go, Node and Rust repositories: real Docker sandboxes with the real
toolchains, the real engine, scripted agents. The baseline lists per-test outcomes, a
seed-dependent test is found flaky, skipping or deleting a test is flagged, a new failing-then-
passing test is a reproduction, the holdout is hidden and run, the correct fix wins."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from tests.fakes.anthropic_server import FakeAnthropic
from tests.fakes.example_repo import git
from tests.fakes.personas import Script, persona_of
from tests.solve.polyglot_repos import GO, JEST, NODE, RUST, TWO_SUITES, VITEST, Polyglot

pytestmark = pytest.mark.docker


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AUTOFIX_SANDBOX_IMAGE", raising=False)
    (tmp_path / "issue.md").write_text(
        "# Median is wrong for an even number of values\n\n"
        "The median of 1, 2, 3, 4 comes out as 3; it should be 2.5.\n"
    )
    return tmp_path


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAnthropic]:
    with FakeAnthropic.start() as fake:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.base_url)
        monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-fake")
        yield fake
        assert not fake.problems, fake.problems


def make_repo(where: Path, files: dict[str, str], vendored: Path | None = None) -> Path:
    repo = where / "repo"
    for path, text in files.items():
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(text)
    if vendored is not None:  # sandboxes have no network: dependencies come committed
        shutil.copytree(vendored, repo / "node_modules", symlinks=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    return repo


def run_solve(
    workdir: Path,
    fake: FakeAnthropic,
    case: Polyglot,
    personas: tuple[str, ...] = ("WRONG", "SKIPPER", "DELETER", "CORRECT"),
    vendored: Path | None = None,
) -> tuple[int, dict[str, Any]]:
    repo = make_repo(workdir, case.files, vendored)
    fake.respond_with(
        Script(
            round0=list(personas),
            judge_prefers=("WRONG", "CORRECT"),
            personas=case.personas,
            signatures=case.signatures,
        )
    )
    (workdir / "autofix.yml").write_text(case.config)
    argv = ["solve", "--repo", str(repo), "--issue-file", "issue.md", "--out", "out"]
    code = main([*argv, "--config", "autofix.yml"])
    return code, json.loads((workdir / "out" / "result.json").read_text())


def check(result: dict[str, Any], case: Polyglot) -> None:
    names = {s["rollout_id"]: persona_of(s["approach"]) for s in result["summaries"]}
    rollouts = {names[r["id"]]: r for r in result["rollouts"]}
    gates = {names[g["rollout_id"]]: g for g in result["gates"]}
    baseline = result["baseline"]
    assert baseline["parsed"], baseline
    assert set(case.passing) <= set(baseline["passing"]), baseline
    assert case.flaky in baseline["flaky"], baseline
    assert result["winner"] == {"rollout_id": rollouts["CORRECT"]["id"], "round": 0}, gates
    assert (rollouts["CORRECT"]["gate"], rollouts["CORRECT"]["holdout"]) == ("passed", "passed")
    assert gates["CORRECT"]["reproduced"] is True, gates["CORRECT"]
    assert case.reproduction in gates["CORRECT"]["new_tests"], gates["CORRECT"]
    # The judge's favourite passes the visible tests; only the hidden holdout stops it.
    assert (rollouts["WRONG"]["gate"], rollouts["WRONG"]["holdout"]) == ("passed", "failed")
    assert rollouts["SKIPPER"]["gate"] == "flagged"
    assert any("skip added" in flag for flag in gates["SKIPPER"]["tamper"]), gates["SKIPPER"]
    assert rollouts["DELETER"]["gate"] == "flagged"
    assert any("removed" in flag for flag in gates["DELETER"]["tamper"]), gates["DELETER"]


def test_go_module(workdir: Path, fake: FakeAnthropic, polyglot_image: str) -> None:
    code, result = run_solve(workdir, fake, GO)
    assert code == 0 and result["status"] == "resolved", result.get("error")
    check(result, GO)
    # The holdout file never reached a rollout.
    prompts = json.dumps([r.messages for r in fake.requests])
    assert "TestMedianEvenHoldout" not in prompts


def test_node_package_with_node_test(
    workdir: Path, fake: FakeAnthropic, polyglot_image: str
) -> None:
    # No tests.command: detected from package.json, whose test script is `node --test`.
    code, result = run_solve(workdir, fake, NODE)
    assert code == 0 and result["status"] == "resolved", result.get("error")
    check(result, NODE)


def test_rust_crate(workdir: Path, fake: FakeAnthropic, polyglot_image: str) -> None:
    # No tests.command: detected from Cargo.toml.
    code, result = run_solve(workdir, fake, RUST)
    assert code == 0 and result["status"] == "resolved", result.get("error")
    check(result, RUST)


def test_two_suites_gate_a_frontend_patch_on_the_frontend_alone(
    workdir: Path, fake: FakeAnthropic, polyglot_image: str
) -> None:
    code, result = run_solve(workdir, fake, TWO_SUITES, ("WRONG", "CORRECT"))
    assert code == 0 and result["status"] == "resolved", result.get("error")
    names = {s["rollout_id"]: persona_of(s["approach"]) for s in result["summaries"]}
    rollouts = {names[r["id"]]: r for r in result["rollouts"]}
    gates = {names[g["rollout_id"]]: g for g in result["gates"]}
    # Both suites' tests are in the baseline, each from its own runs.
    assert set(TWO_SUITES.passing) <= set(result["baseline"]["passing"]), result["baseline"]
    # The backend's guard fails in any run after its baseline: it never ran for these gates.
    assert gates["CORRECT"]["passed"] and gates["WRONG"]["passed"], gates
    assert gates["CORRECT"]["reproduced"] is True, gates["CORRECT"]
    assert (rollouts["WRONG"]["gate"], rollouts["WRONG"]["holdout"]) == ("passed", "failed")
    assert result["winner"] == {"rollout_id": rollouts["CORRECT"]["id"], "round": 0}


def npm_modules(root: Path, package: str) -> Path:
    """`package` installed from the npm registry into root/node_modules."""
    (root / "package.json").write_text('{"name": "vendored", "version": "1.0.0"}\n')
    env = {**os.environ, "NODE_EXTRA_CA_CERTS": "/etc/ssl/certs/ca-certificates.crt"}
    done = subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", package],
        cwd=root, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        pytest.fail(f"npm install {package} failed:\n{done.stderr[-2000:]}")
    return root / "node_modules"


@pytest.fixture(scope="session")
def jest_modules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Jest 29 (it runs on the sandbox's Node 18) installed once from the npm registry."""
    return npm_modules(tmp_path_factory.mktemp("jest"), "jest@29.7.0")


@pytest.fixture(scope="session")
def vitest_modules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Vitest 1.6 (the last to run on the sandbox's Node 18) installed once."""
    return npm_modules(tmp_path_factory.mktemp("vitest"), "vitest@1.6.0")


def test_jest_package(
    workdir: Path, fake: FakeAnthropic, polyglot_image: str, jest_modules: Path
) -> None:
    # No tests.command: the test script `jest` is detected and run as `npx --no-install jest`.
    code, result = run_solve(workdir, fake, JEST, vendored=jest_modules)
    assert code == 0 and result["status"] == "resolved", result.get("error")
    check(result, JEST)


def test_vitest_package(
    workdir: Path, fake: FakeAnthropic, polyglot_image: str, vitest_modules: Path
) -> None:
    # Vite looks up `localhost` as it starts; the sandbox, network none, must still know it.
    # No tests.command: `vitest run` is detected and run as `npx --no-install vitest run`.
    code, result = run_solve(workdir, fake, VITEST, vendored=vitest_modules)
    assert code == 0 and result["status"] == "resolved", result.get("error")
    check(result, VITEST)
