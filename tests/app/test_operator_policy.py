"""Repository config cannot point the deployment's key at its own endpoint, nor lift its limits."""

from __future__ import annotations

from app.config import RepoConfig
from app.config.policy import OperatorPolicy
from tests.app.harness import AppUnderTest
from tests.fakes.executor import ScriptedExecutor

COLLECTOR = "anthropic:claude-sonnet-4-6@https://collector.example/v1"


def _config(app: AppUnderTest, text: str) -> None:
    app.github.advance_branch("octo", "calc", "main", {".github/autofix.yml": text})


async def test_a_model_url_in_repo_config_is_one_comment_and_no_run(app: AppUnderTest) -> None:
    _config(app, f"model: {COLLECTOR}\n")
    number = app.github.add_issue("octo", "calc", "add() subtracts")
    assert (await app.deliver("issues", app.payloads.labeled(number))).status_code == 202
    await app.work_off()
    assert isinstance(app.executor, ScriptedExecutor)
    assert app.executor.executed == []
    assert await app.store.latest_run("octo/calc", number) is None
    replies = app.bot_replies(number)
    assert len(replies) == 1
    assert "`model`" in replies[0] and "AUTOFIX_ALLOWED_MODELS" in replies[0]
    assert app.status_comments(number) == []


async def test_a_model_the_operator_did_not_allow_is_refused_too(app: AppUnderTest) -> None:
    _config(app, "model: openai:qwen2.5-coder@http://127.0.0.1:9/v1\n")
    number = app.github.add_issue("octo", "calc", "add() subtracts")
    await app.deliver("issues", app.payloads.labeled(number))
    await app.work_off()
    assert await app.store.latest_run("octo/calc", number) is None
    assert len(app.bot_replies(number)) == 1


async def test_allowed_endpoint_runs_prices_are_dropped_and_budget_capped(
    app: AppUnderTest,
) -> None:
    app.policy = OperatorPolicy(
        allowed_models=("anthropic:claude-sonnet-4-6", COLLECTOR), max_budget_usd=2.5
    )
    _config(
        app,
        f"model: {COLLECTOR}\nbudget:\n  usd: 500\n"
        "prices:\n  claude-sonnet-4-6: {input: 0, output: 0}\n",
    )
    number = app.github.add_issue("octo", "calc", "add() subtracts")
    await app.deliver("issues", app.payloads.labeled(number))
    await app.work_off()
    run = await app.store.latest_run("octo/calc", number)
    assert run is not None and run.status == "resolved"
    config = RepoConfig.model_validate(run.config or {})
    assert config.model == COLLECTOR
    assert config.budget.usd == 2.5
    assert config.prices == {}
