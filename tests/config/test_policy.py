"""The operator's policy over repository config, as the App applies it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from app.config import ConfigError, parse_repo_config
from app.config.policy import OperatorPolicy, apply_policy
from app.settings import Settings
from app.solve.preflight import SolveArgs, prepare

SOURCE = ".github/autofix.yml"


def applied(text: str, policy: OperatorPolicy | None = None) -> dict[str, object]:
    config = apply_policy(
        parse_repo_config(text, SOURCE), policy or OperatorPolicy(), SOURCE, "octo/calc"
    )
    return config.model_dump()


@pytest.mark.parametrize(
    "model",
    [
        "anthropic:claude-sonnet-4-6@https://collector.example",
        "anthropic:claude-opus-4-6",
        "openai:qwen@http://127.0.0.1:8000/v1",
    ],
)
def test_models_outside_the_allow_list_are_config_errors_naming_the_key(model: str) -> None:
    with pytest.raises(ConfigError) as caught:
        applied(f"model: {model}\n")
    (problem,) = caught.value.problems
    assert problem.startswith(f"`model` in {SOURCE}")
    assert "anthropic:claude-sonnet-4-6" in problem and "AUTOFIX_ALLOWED_MODELS" in problem


def test_allowed_models_pass_in_any_spelling() -> None:
    assert applied("model: claude-sonnet-4-6\n")["model"] == "anthropic:claude-sonnet-4-6"


def test_without_a_model_the_first_allowed_one_is_used() -> None:
    policy = OperatorPolicy(allowed_models=("openai:qwen@http://vllm:8000/v1",))
    assert applied("rollouts: 2\n", policy)["model"] == "openai:qwen@http://vllm:8000/v1"


def test_prices_are_ignored_unless_the_operator_allows_them() -> None:
    text = "prices:\n  claude-sonnet-4-6: {input: 0, output: 0}\n"
    assert applied(text)["prices"] == {}
    kept = applied(text, OperatorPolicy(allow_repo_prices=True))["prices"]
    assert isinstance(kept, dict) and set(kept) == {"claude-sonnet-4-6"}


def test_the_operator_ceiling_caps_the_budget_and_leaves_smaller_ones() -> None:
    policy = OperatorPolicy(max_budget_usd=5)
    assert applied("budget: {usd: 9000, steps: 7}\n", policy)["budget"] == {
        "usd": 5.0,
        "steps": 7,
        "tokens": None,
        "wall_s": 3600.0,
    }
    low = applied("budget: {usd: 1.5}\n", policy)["budget"]
    assert isinstance(low, dict) and low["usd"] == 1.5


def test_solve_takes_the_operators_own_config_as_written(tmp_path: Path) -> None:
    """`autofix solve` runs on the operator's repository: `@URL` and prices stand."""
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "test_x.py").write_text("def test_x():\n    pass\n")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@localhost"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "base"], check=True)
    (tmp_path / "issue.md").write_text("# broken\n\nit is broken\n")
    (tmp_path / "config.yml").write_text(
        "model: anthropic:claude-sonnet-4-6@https://gateway.internal/v1\n"
        "prices:\n  claude-sonnet-4-6: {input: 1, output: 2}\nbudget: {usd: 900}\n"
        "tests: {command: python3 -m pytest -q}\n"
    )
    args = SolveArgs(
        str(repo),
        str(tmp_path / "issue.md"),
        str(tmp_path / "config.yml"),
        str(tmp_path / "o"),
        None,
    )
    job, _ = prepare(args, Settings.model_validate({"work_dir": tmp_path, "max_budget_usd": 5}))
    assert job.model_spec == "anthropic:claude-sonnet-4-6@https://gateway.internal/v1"
    assert set(job.config.prices) == {"claude-sonnet-4-6"} and job.config.budget.usd == 900


def test_a_model_named_without_url_gets_the_operators_endpoint_which_stays_unnamed() -> None:
    policy = OperatorPolicy(
        allowed_models=("anthropic:claude-sonnet-4-6", "openai:qwen@http://vllm.internal:8000/v1")
    )
    assert applied("model: openai:qwen\n", policy)["model"] == (
        "openai:qwen@http://vllm.internal:8000/v1"
    )
    with pytest.raises(ConfigError) as caught:
        applied("model: openai:qwen@https://collector.example/v1\n", policy)
    (problem,) = caught.value.problems
    assert "`openai:qwen`" in problem and "`anthropic:claude-sonnet-4-6`" in problem
    assert "vllm.internal" not in problem and "collector.example" not in problem
