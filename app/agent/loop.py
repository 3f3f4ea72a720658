"""The agent loop: ask the model, run its commands, repeat until it submits or a limit hits."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from pydantic import BaseModel, ConfigDict, Field

from app.agent.config import AgentLimits
from app.agent.environment import Environment
from app.agent.errors import (
    AgentExit,
    CostLimitReached,
    FormatError,
    FormatErrorLimit,
    StepLimitReached,
    Submitted,
    TimeLimitReached,
)
from app.agent.messages import (
    assistant_message,
    correction_message,
    observations_message,
    step_record,
)
from app.agent.tools import TOOLS, BashCall, SubmitCall, parse_calls
from app.llm.base import Message, Model, ModelError, ModelRequest, ModelResponse, TextBlock
from app.trajectory import Observation, TrajectoryWriter
from scaling.rollout import ExitStatus, Usage

CommandListener = Callable[[int, str], None]


class AgentOutcome(BaseModel):
    """How the loop ended and what it spent."""

    model_config = ConfigDict(frozen=True)

    exit_status: ExitStatus
    steps: int
    usage: Usage = Field(default_factory=Usage)
    error: str | None = None


class AgentLoop:
    """One linear conversation; every step is appended to the trajectory before the next."""

    def __init__(
        self,
        model: Model,
        env: Environment,
        limits: AgentLimits,
        trajectory: TrajectoryWriter,
        on_command: CommandListener | None = None,
    ) -> None:
        self.model = model
        self.env = env
        self.limits = limits
        self.trajectory = trajectory
        self.on_command = on_command
        self.messages: list[Message] = []
        self.steps = 0
        self.format_errors = 0
        self.usage = Usage()
        self._started = time.monotonic()

    def remaining_s(self) -> float:
        return self.limits.max_wall_s - (time.monotonic() - self._started)

    async def run(self, system: str, task: str) -> AgentOutcome:
        """Run to the end; model failures become `error`, limits their own statuses."""
        self._started = time.monotonic()
        self.messages = [Message(role="user", content=(TextBlock(text=task),))]
        try:
            while True:
                await self.step(system)
        except AgentExit as exit_:
            return self._outcome(exit_.status, str(exit_) or None)
        except ModelError as exc:
            return self._outcome("error", f"model call failed: {exc}")

    def _outcome(self, status: ExitStatus, error: str | None) -> AgentOutcome:
        return AgentOutcome(exit_status=status, steps=self.steps, usage=self.usage, error=error)

    def _check_limits(self) -> None:
        if self.steps >= self.limits.max_steps:
            raise StepLimitReached(f"used all {self.limits.max_steps} steps")
        if self.usage.cost_usd >= self.limits.max_cost_usd:
            raise CostLimitReached(
                f"spent ${self.usage.cost_usd:.4f} of ${self.limits.max_cost_usd}"
            )
        if self.remaining_s() <= 0:
            raise TimeLimitReached(f"ran for {self.limits.max_wall_s:.0f} s")

    async def step(self, system: str) -> None:
        """One model call and the commands it asks for."""
        self._check_limits()
        self.steps += 1
        response = await self._query(system)
        self.usage = self.usage + response.usage
        self.messages.append(assistant_message(response))
        try:
            calls = parse_calls(response)
        except FormatError as error:
            self._correct(response, error)
            return
        observations: list[Observation] = []
        out_of_time = False
        for call in calls:
            if isinstance(call, BashCall) and not out_of_time:
                observations.append(await self._execute(call))
                out_of_time = observations[-1].timed_out and self.remaining_s() <= 0
        submitted = any(isinstance(call, SubmitCall) for call in calls)
        if observations:
            self.messages.append(observations_message(observations))
        self._record(response, observations=observations, submitted=submitted)
        if out_of_time:
            raise TimeLimitReached(f"ran for {self.limits.max_wall_s:.0f} s")
        if submitted:
            raise Submitted()

    async def _query(self, system: str) -> ModelResponse:
        request = ModelRequest(
            system=system,
            messages=tuple(self.messages),
            tools=TOOLS,
            max_tokens=self.limits.max_output_tokens,
        )
        try:
            # The model call is bounded by what is left of the rollout's wall clock.
            async with asyncio.timeout(self.remaining_s()) as deadline:
                return await self.model.complete(request)
        except TimeoutError:
            if deadline.expired():
                raise TimeLimitReached("the model call outlived the rollout's time") from None
            raise

    async def _execute(self, call: BashCall) -> Observation:
        if self.on_command is not None:
            self.on_command(self.steps, call.command)
        timeout = max(0.0, min(self.limits.command_timeout_s, self.remaining_s()))
        if timeout <= 0:
            return Observation(
                tool_use_id=call.tool_use_id,
                command=call.command,
                exit_code=124,
                output="",
                timed_out=True,
            )
        async with asyncio.timeout(timeout + self.limits.sandbox_grace_s):
            result = await self.env.exec(call.command, timeout)
        return Observation(
            tool_use_id=call.tool_use_id,
            command=call.command,
            exit_code=result.exit_code,
            output=result.output,
            truncated_bytes=result.truncated_bytes,
            timed_out=result.timed_out,
        )

    def _correct(self, response: ModelResponse, error: FormatError) -> None:
        self.format_errors += 1
        self.messages.append(correction_message(response, error.problems))
        self._record(response, format_problems=error.problems)
        if self.format_errors > self.limits.max_format_errors:
            raise FormatErrorLimit(f"{self.format_errors} malformed answers: {error}")

    def _record(
        self,
        response: ModelResponse,
        observations: list[Observation] | None = None,
        format_problems: list[str] | None = None,
        submitted: bool = False,
    ) -> None:
        elapsed = self.limits.max_wall_s - self.remaining_s()
        self.trajectory.write(
            step_record(
                self.steps, response, self.usage, elapsed, observations, format_problems, submitted
            )
        )
