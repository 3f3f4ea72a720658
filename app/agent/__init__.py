"""The coding agent: one linear conversation of `bash` calls in a sandbox, ending in `submit`."""

from __future__ import annotations

from app.agent.config import AgentLimits, PromptOptions
from app.agent.environment import CommandOutput, Environment
from app.agent.loop import AgentLoop, AgentOutcome
from app.agent.runner import AgentRolloutRunner, SandboxFactory

__all__ = [
    "AgentLimits",
    "AgentLoop",
    "AgentOutcome",
    "AgentRolloutRunner",
    "CommandOutput",
    "Environment",
    "PromptOptions",
    "SandboxFactory",
]
