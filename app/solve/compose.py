"""Wires the engine with real parts for a local run: model, agent, sandboxes, tests, judge."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.agent import AgentLimits, AgentRolloutRunner, SandboxFactory
from app.config import RepoConfig
from app.judge import LLMJudge
from app.llm.base import ClosableModel, Model
from app.llm.pricing import Price
from app.llm.spec import build_model
from app.settings import Settings
from app.summary import LLMSummarizer
from app.testing import DockerSandboxes, DockerTestRunner, TestPlan
from app.testing.protocols import SandboxOpener
from scaling.engine import Engine
from scaling.protocols import EventSink


@dataclass(frozen=True)
class SolveJob:
    """One local run: which repository and commit, with which config, writing where."""

    repo: Path
    commit: str
    config: RepoConfig
    model_spec: str
    out: Path
    run_id: str


def make_model(
    spec: str, settings: Settings, prices: Mapping[str, Price] | None = None
) -> ClosableModel:
    """The provider for `spec`; keys come from the injected settings, not from globals."""
    key = settings.anthropic_api_key.get_secret_value() if settings.anthropic_api_key else None
    env = {k: v for k, v in os.environ.items() if k.startswith("OPENAI_")}
    if settings.anthropic_base_url:
        env["ANTHROPIC_BASE_URL"] = settings.anthropic_base_url
    return build_model(spec, anthropic_api_key=key, env=env, prices=prices)


def make_sandboxes(job: SolveJob, client: Any) -> DockerSandboxes:
    config = job.config
    return DockerSandboxes(
        job.repo,
        job.commit,
        image=config.sandbox.image,
        setup=config.sandbox.setup,
        holdout=config.tests.holdout,
        run_id=job.run_id,
        client=client,
        command_timeout_s=float(config.tests.timeout_s),
    )


def make_engine(
    job: SolveJob,
    model: Model,
    rollout_sandboxes: SandboxFactory,
    test_sandboxes: SandboxOpener,
    events: EventSink,
) -> Engine:
    """The engine over the agent runner, LLM summarizer and judge, and sandboxed test runs."""
    config = job.config
    engine_config = config.to_engine_config()
    limits = AgentLimits(
        max_steps=config.budget.steps,
        max_cost_usd=max(engine_config.estimates.rollout.usd, 0.01),
        max_wall_s=engine_config.estimates.rollout.wall_s,
    )
    runner = AgentRolloutRunner(
        model,
        rollout_sandboxes,
        job.out / "trajectories",
        limits=limits,
        test_command=config.test_command,
    )
    tests = DockerTestRunner(
        TestPlan(
            command=config.test_command,
            holdout=config.tests.holdout,
            protected=config.protected_paths,
            timeout_s=float(config.tests.timeout_s),
        ),
        test_sandboxes,
    )
    summarizer = LLMSummarizer(model, test_command=config.test_command)
    return Engine(engine_config, runner, summarizer, LLMJudge(model), tests, events)
