"""The app's implementations fit the protocols the engine owns (checked by mypy, run by pytest)."""

from __future__ import annotations

from pathlib import Path

from app.agent import AgentRolloutRunner
from app.judge import LLMJudge
from app.llm.anthropic import AnthropicModel
from app.summary import LLMSummarizer
from sandbox import DockerSandbox, SandboxSpec
from scaling.protocols import Judge, RolloutRunner, Summarizer


async def test_implementations_fit_the_engine_protocols(
    model: AnthropicModel, tmp_path: Path
) -> None:
    def sandboxes(rollout_id: str) -> DockerSandbox:
        return DockerSandbox(SandboxSpec(repo=tmp_path, commit="HEAD", run_id=rollout_id))

    runner: RolloutRunner = AgentRolloutRunner(model, sandboxes, tmp_path)
    summarizer: Summarizer = LLMSummarizer(model)
    judge: Judge = LLMJudge(model)
    assert all(callable(f) for f in (runner.run, summarizer.summarize, judge.vote))
