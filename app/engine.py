"""The one composition of the engine, used by `autofix solve` and by the worker alike.

Model, agent runner, sandboxes, test runner, summarizer and judge are built here and nowhere
else; the two entry points differ only in what they pass in (a sandbox scope, a rollout
recorder, refinement seeds), never in how the engine is put together.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.agent import AgentLimits, AgentRolloutRunner, SandboxFactory
from app.config import RepoConfig
from app.environment import SetupOptions
from app.judge import LLMJudge
from app.llm.base import ClosableModel, Model
from app.llm.pricing import Price
from app.llm.spec import build_model
from app.settings import Settings
from app.summary import LLMSummarizer
from app.testing import DockerSandboxes, DockerTestRunner, TestPlan
from app.testing.protocols import SandboxOpener
from app.testing.suites import Suite, SuiteRunner
from sandbox.models import DEFAULT_MAX_PATCH_BYTES
from sandbox.observer import SandboxObserver
from scaling.engine import Engine
from scaling.issue import Issue
from scaling.protocols import EventSink, RolloutRunner, TestRunner
from scaling.result import RunResult
from scaling.rollout import Rollout, RolloutRequest
from scaling.summary import RolloutSummary

OnRollout = Callable[[Rollout], Awaitable[None]]
"""Called with every finished rollout (patch included), before the engine sees it."""


@dataclass(frozen=True)
class EngineJob:
    """One run of the engine: which repository and commit, with which config, writing where."""

    repo: Path
    commit: str
    config: RepoConfig
    model_spec: str
    out: Path
    run_id: str
    scope: str | None = None
    """The sandbox scope label; the worker reaps exactly a run's sandboxes by it."""
    max_patch_bytes: int = DEFAULT_MAX_PATCH_BYTES
    """The operator's cap on a rollout's diff (AUTOFIX_MAX_PATCH_BYTES)."""


def make_model(
    spec: str, settings: Settings, prices: Mapping[str, Price] | None = None
) -> ClosableModel:
    """The provider for `spec`; keys come from the injected settings, not from globals."""
    key = settings.anthropic_api_key.get_secret_value() if settings.anthropic_api_key else None
    env = {k: v for k, v in os.environ.items() if k.startswith("OPENAI_")}
    if settings.anthropic_base_url:
        env["ANTHROPIC_BASE_URL"] = settings.anthropic_base_url
    return build_model(spec, anthropic_api_key=key, env=env, prices=prices)


def make_sandboxes(
    job: EngineJob,
    client: Any,
    options: SetupOptions,
    observer: SandboxObserver | None = None,
) -> DockerSandboxes:
    """Rollout and test sandboxes of one run, all from the job's repository and commit, their
    environments built as `options` say; `observer` hears every sandbox start and end."""
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
        scope=job.scope,
        max_patch_bytes=job.max_patch_bytes,
        options=options,
        observer=observer,
    )


class _Recorded:
    """Hands every finished rollout to `on_rollout` before the engine goes on with it."""

    def __init__(self, inner: RolloutRunner, on_rollout: OnRollout) -> None:
        self.inner, self.on_rollout = inner, on_rollout

    async def run(self, request: RolloutRequest, issue: Issue, events: EventSink) -> Rollout:
        rollout = await self.inner.run(request, issue, events)
        await self.on_rollout(rollout)
        return rollout


def make_engine(
    job: EngineJob,
    model: Model,
    rollout_sandboxes: SandboxFactory,
    test_sandboxes: SandboxOpener,
    events: EventSink,
    on_rollout: OnRollout | None = None,
) -> Engine:
    """The engine over the agent runner, LLM summarizer and judge, and sandboxed test runs."""
    config = job.config
    engine_config = config.to_engine_config()
    limits = AgentLimits(
        max_steps=config.budget.steps,
        max_cost_usd=max(engine_config.estimates.rollout.usd, 0.01),
        max_wall_s=engine_config.estimates.rollout.wall_s,
    )
    runner: RolloutRunner = AgentRolloutRunner(
        model,
        rollout_sandboxes,
        job.out / "trajectories",
        limits=limits,
        test_command=config.test_command,
    )
    if on_rollout is not None:
        runner = _Recorded(runner, on_rollout)
    tests = test_runner(config, test_sandboxes)
    summarizer = LLMSummarizer(model, test_command=config.test_command)
    return Engine(engine_config, runner, summarizer, LLMJudge(model), tests, events)


def test_runner(config: RepoConfig, sandboxes: SandboxOpener) -> TestRunner:
    """One runner for the test command, or one per suite of `tests.suites`."""

    def plan(command: str, report: str | None) -> TestPlan:
        return TestPlan(
            command=command,
            holdout=config.tests.holdout,
            holdout_command=config.tests.holdout_command,
            report=report,
            protected=config.protected_paths,
            timeout_s=float(config.tests.timeout_s),
        )

    if not config.tests.suites:
        return DockerTestRunner(plan(config.test_command, config.tests.report), sandboxes)
    suites = [
        Suite(s.name, s.paths, DockerTestRunner(plan(s.command, s.report), sandboxes))
        for s in config.tests.suites
    ]
    return SuiteRunner(suites, holdout=config.tests.holdout)


async def run_engine(
    job: EngineJob,
    issue: Issue,
    sink: EventSink,
    *,
    model: Model,
    sandboxes: DockerSandboxes,
    on_rollout: OnRollout | None = None,
    seeds: Sequence[RolloutSummary] = (),
    feedback: str | None = None,
) -> RunResult:
    """One whole run over pooled rollout sandboxes; the result names the commit it built on."""
    engine = make_engine(job, model, sandboxes.rollout, sandboxes, sink, on_rollout)
    async with sandboxes.pooled(engine.config):
        result = await engine.run(issue, seeds=seeds, feedback=feedback)
    return result.model_copy(update={"base_commit": job.commit})
