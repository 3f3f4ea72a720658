"""`autofix solve` end to end: real Docker sandboxes, the real agent, summarizer, judge and
engine, and the fake Anthropic API playing scripted personas."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from tests.fakes.anthropic_server import FakeAnthropic, FakeUsage
from tests.fakes.example_repo import git, make_repo
from tests.fakes.personas import Script, persona_of

pytestmark = pytest.mark.docker

CONTRACT = {
    "status",
    "winner",
    "rollouts",
    "rounds",
    "llm_calls",
    "judge_calls",
    "input_tokens",
    "output_tokens",
    "cost_usd",
    "wall_s",
}
ROLLOUT_FIELDS = {"id", "round", "exit_status", "gate", "holdout", "patch_sha256"}
FLAKY_ID = "tests/test_flaky.py::test_depends_on_hash_order"


def flaky_test() -> str:
    """A test that passes only under PYTHONHASHSEED=1, i.e. differs between baseline runs."""
    env = {**os.environ, "PYTHONHASHSEED": "1"}
    code = "print(hash('calc') % 1000)"
    value = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    return (
        "def test_depends_on_hash_order():\n"
        "    # Like a test that depends on set iteration order: it changes with the hash seed.\n"
        f"    assert hash('calc') % 1000 == {value}\n"
    )


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AUTOFIX_SANDBOX_IMAGE", raising=False)
    (tmp_path / "issue.md").write_text(
        "# median() is wrong for an even number of values\n\n"
        "`calc.median([1, 2, 3, 4])` returns `3`; it should be `2.5`.\n"
    )
    return tmp_path


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAnthropic]:
    with FakeAnthropic.start() as fake:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.base_url)
        monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-fake")
        yield fake
        assert not fake.problems, fake.problems


def solve(workdir: Path, repo: Path, config: str | None = None) -> tuple[int, dict[str, Any]]:
    argv = ["solve", "--repo", str(repo), "--issue-file", "issue.md", "--out", "out"]
    if config is not None:
        (workdir / "autofix.yml").write_text(config)
        argv += ["--config", "autofix.yml"]
    code = main(argv)
    result = json.loads((workdir / "out" / "result.json").read_text())
    assert set(result) >= CONTRACT
    assert all(set(r) >= ROLLOUT_FIELDS for r in result["rollouts"])
    return code, result


def personas(result: dict[str, Any]) -> dict[str, str]:
    """rollout id -> persona, read back from the summaries the run recorded."""
    return {s["rollout_id"]: persona_of(s["approach"]) for s in result["summaries"]}


def by_persona(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    names = personas(result)
    return {names[r["id"]]: r for r in result["rollouts"]}


def test_correct_patch_wins_over_wrong_and_tampering_candidates(
    workdir: Path, fake: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(workdir)
    (repo / "tests" / "test_flaky.py").write_text(flaky_test())
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a flaky test")
    head = git(repo, "rev-parse", "HEAD")
    # The judge prefers the wrong patch, so only the holdout check can stop it.
    script = Script(
        round0=["WRONG", "DELETER", "FORGER", "SKIPPER", "CORRECT"],
        judge_prefers=("WRONG", "CORRECT"),
    )
    fake.respond_with(script)
    code, result = solve(
        workdir,
        repo,
        "rollouts: 5\nrounds: 1\nvotes: 3\n"
        "tests:\n  command: python3 -m pytest -q\n  holdout: [tests/holdout]\n",
    )

    assert code == 0 and result["status"] == "resolved"
    rollouts = by_persona(result)
    assert set(rollouts) == {"WRONG", "DELETER", "FORGER", "SKIPPER", "CORRECT"}
    assert result["winner"] == {"rollout_id": rollouts["CORRECT"]["id"], "round": 0}
    assert (rollouts["CORRECT"]["gate"], rollouts["CORRECT"]["holdout"]) == ("passed", "passed")
    assert (rollouts["WRONG"]["gate"], rollouts["WRONG"]["holdout"]) == ("passed", "failed")
    for tamperer in ("DELETER", "FORGER", "SKIPPER"):
        assert rollouts[tamperer]["gate"] == "flagged", tamperer
    tamper = {g["rollout_id"]: " ".join(g["tamper"]) for g in result["gates"]}
    assert "test file deleted" in tamper[rollouts["DELETER"]["id"]]
    assert "conftest.py added" in tamper[rollouts["FORGER"]["id"]]
    assert "skip added" in tamper[rollouts["SKIPPER"]["id"]]

    # The flaky test failed in one baseline run and (almost surely) in candidate runs,
    # yet decided nothing.
    assert FLAKY_ID in result["baseline"]["flaky"]
    # V = 3: the match stops once two votes agree.
    assert result["judge_calls"] >= 2 and result["llm_calls"] > result["judge_calls"]
    assert result["input_tokens"] > 0 and result["cost_usd"] > 0

    patch = (workdir / "out" / "patch.diff").read_text()
    assert "(ordered[middle - 1] + ordered[middle]) / 2" in patch
    assert "Persona-CORRECT" in (workdir / "out" / "summary.md").read_text()
    # The repository at --repo is untouched.
    assert git(repo, "rev-parse", "HEAD") == head
    assert git(repo, "status", "--porcelain") == ""
    out = capsys.readouterr().out
    assert "holdout" in out and "gate" in out and "resolved" in out


def test_refinement_round_is_conditioned_on_round_zero_summaries(
    workdir: Path, fake: FakeAnthropic
) -> None:
    # The example's own .github/autofix.yml: 2 rollouts, 2 rounds, holdout tests/holdout.
    repo = make_repo(workdir)
    script = Script(round0=["NOTHING", "BREAKER"], refine=["CORRECT", "NOTHING"])
    fake.respond_with(script)
    code, result = solve(workdir, repo)

    assert code == 0 and result["status"] == "resolved" and result["rounds"] == 2
    names = personas(result)
    winner = result["winner"]
    assert winner["round"] == 1 and names[winner["rollout_id"]] == "CORRECT"
    assert all(r["gate"] != "passed" for r in result["rollouts"] if r["round"] == 0)
    # Both round-1 rollouts saw both round-0 summaries (K = 2).
    assert len(script.refine_prompts) == 2
    for prompt in script.refine_prompts:
        assert "Persona-NOTHING" in prompt and "Persona-BREAKER" in prompt


def test_budget_stops_the_run_cleanly(workdir: Path, fake: FakeAnthropic) -> None:
    repo = make_repo(workdir)
    # Every call reports 20k input tokens ($0.06 at Sonnet prices): round 0 uses up $0.10.
    script = Script(round0=["NOTHING", "NOTHING"], usage=FakeUsage(input_tokens=20_000))
    fake.respond_with(script)
    code, result = solve(
        workdir, repo, "rollouts: 2\nrounds: 2\nvotes: 3\nbudget:\n  usd: 0.1\n  steps: 5\n"
    )

    assert code == 1 and result["status"] == "unresolved" and result["winner"] is None
    assert {r["round"] for r in result["rollouts"]} == {0}
    assert {r["exit_status"] for r in result["rollouts"]} == {"cost_limit"}
    assert result["skipped"], "the refused round must be recorded"
    assert (workdir / "out" / "patch.diff").read_text() == ""


def test_setup_secrets_reach_setup_and_nothing_a_run_keeps(
    workdir: Path, fake: FakeAnthropic, monkeypatch: pytest.MonkeyPatch
) -> None:
    value = f"tok-{uuid.uuid4().hex}"
    monkeypatch.setenv("AUTOFIX_SETUP_SECRET_REGISTRY_TOKEN", value)
    repo = make_repo(workdir)
    fake.respond_with(Script(round0=["SNOOP", "CORRECT"], judge_prefers=("CORRECT",)))
    # Setup fails (exit 2) unless it was given the secret.
    code, result = solve(
        workdir,
        repo,
        "rollouts: 2\nrounds: 1\nvotes: 1\n"
        "sandbox:\n  setup_secrets: [REGISTRY_TOKEN]\n"
        '  setup: [\'test "${#REGISTRY_TOKEN}" = 36 && echo "$REGISTRY_TOKEN" | wc -c\']\n'
        "tests:\n  command: python3 -m pytest -q\n  holdout: [tests/holdout]\n",
    )
    assert code == 0, result
    snooped = [r for r in fake.requests if "toolu_SNOOP" in json.dumps(r.messages)]
    assert any("HOME=/home/agent" in json.dumps(r.messages) for r in snooped)  # it did look
    assert all(value not in json.dumps(r.messages) for r in fake.requests)
    written = [p for p in (workdir / "out").rglob("*") if p.is_file()]
    assert any("trajector" in str(p) for p in written)
    assert [p for p in written if value.encode() in p.read_bytes()] == []
