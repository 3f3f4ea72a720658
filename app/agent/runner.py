"""`AgentRolloutRunner`: one rollout = one sandbox, one agent loop, one trajectory file."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path

from app.agent.config import AgentLimits, PromptOptions
from app.agent.environment import Environment
from app.agent.loop import AgentLoop, AgentOutcome
from app.agent.prompt import read_guidance, render_system, render_task
from app.llm.base import Model
from app.trajectory import EndRecord, StartRecord, TrajectoryWriter, trajectory_file
from sandbox.errors import PatchTooLarge
from scaling.events import RolloutStep
from scaling.issue import Issue
from scaling.protocols import EventSink
from scaling.rollout import Rollout, RolloutRequest

log = logging.getLogger(__name__)

SandboxFactory = Callable[[str], AbstractAsyncContextManager[Environment]]

_COMMAND_EXCERPT = 200


class AgentRolloutRunner:
    """Runs rollouts for the engine; any failure inside becomes an `error` Rollout."""

    def __init__(
        self,
        model: Model,
        sandboxes: SandboxFactory,
        trajectory_dir: Path,
        limits: AgentLimits | None = None,
        test_command: str | None = None,
        prompt_options: PromptOptions | None = None,
    ) -> None:
        self.model = model
        self.sandboxes = sandboxes
        self.trajectory_dir = trajectory_dir
        self.limits = limits or AgentLimits()
        self.test_command = test_command
        self.prompt_options = prompt_options or PromptOptions()

    def _limits_for(self, request: RolloutRequest) -> AgentLimits:
        if request.max_cost_usd is None:
            return self.limits
        cost = min(self.limits.max_cost_usd, request.max_cost_usd)
        return self.limits.model_copy(update={"max_cost_usd": cost})

    async def run(self, request: RolloutRequest, issue: Issue, events: EventSink) -> Rollout:
        """Run one rollout; cancellation is recorded in the trajectory, then re-raised."""
        rid = request.rollout_id
        path = trajectory_file(self.trajectory_dir, rid)
        writer = TrajectoryWriter(path)
        limits = self._limits_for(request)
        started = time.monotonic()
        # The engine emits RolloutStarted/RolloutFinished for every runner; steps are ours.

        def on_command(step: int, command: str) -> None:
            excerpt = command[:_COMMAND_EXCERPT]
            events.emit(RolloutStep(rollout_id=rid, step=step, command=excerpt))

        loop: AgentLoop | None = None
        patch = ""
        try:
            async with self.sandboxes(rid) as env:
                loop = AgentLoop(self.model, env, limits, writer, on_command)
                guidance = await read_guidance(env, self.prompt_options)
                system = render_system()
                task = render_task(issue, request, guidance, self.test_command, self.prompt_options)
                writer.write(
                    StartRecord(
                        rollout_id=rid,
                        round=request.round,
                        index=request.index,
                        model=self.model.name,
                        limits=limits.model_dump(),
                        system=system,
                        task=task,
                    )
                )
                outcome = await loop.run(system, task)
                async with asyncio.timeout(limits.sandbox_grace_s + 60):
                    patch = await env.diff()
        except asyncio.CancelledError:
            self._finish(writer, _failed(loop, "the rollout was cancelled"), patch, started)
            raise
        except PatchTooLarge as exc:
            # Not a crash: the agent's work is recorded, its patch refused with the reason.
            outcome = _failed(loop, f"patch rejected: {exc} (cap: AUTOFIX_MAX_PATCH_BYTES)")
        except Exception as exc:  # the per-rollout boundary: one failure never fails the batch
            log.exception("rollout %s failed", rid)
            outcome = _failed(loop, f"{type(exc).__name__}: {exc}")
        wall_s = self._finish(writer, outcome, patch, started)
        return Rollout(
            rollout_id=rid,
            round=request.round,
            index=request.index,
            exit_status=outcome.exit_status,
            patch=patch,
            steps=outcome.steps,
            usage=outcome.usage,
            wall_s=wall_s,
            trajectory_path=str(path),
            error=outcome.error,
        )

    @staticmethod
    def _finish(
        writer: TrajectoryWriter,
        outcome: AgentOutcome,
        patch: str,
        started: float,
    ) -> float:
        wall_s = time.monotonic() - started
        writer.write(
            EndRecord(
                exit_status=outcome.exit_status,
                steps=outcome.steps,
                usage=outcome.usage,
                wall_s=wall_s,
                error=outcome.error,
                patch=patch,
            )
        )
        return wall_s


def _failed(loop: AgentLoop | None, error: str) -> AgentOutcome:
    if loop is None:
        return AgentOutcome(exit_status="error", steps=0, error=error)
    return AgentOutcome(exit_status="error", steps=loop.steps, usage=loop.usage, error=error)
