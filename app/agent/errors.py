"""Ways a rollout ends, as exceptions carrying their exit status."""

from __future__ import annotations

from typing import ClassVar

from scaling.rollout import ExitStatus


class AgentExit(Exception):
    """Raised inside the loop to end the rollout with `status`."""

    status: ClassVar[ExitStatus] = "error"


class Submitted(AgentExit):
    """The agent called `submit`."""

    status = "submitted"


class StepLimitReached(AgentExit):
    """The agent used every model call it was allowed."""

    status = "step_limit"


class CostLimitReached(AgentExit):
    """The rollout spent its USD budget."""

    status = "cost_limit"


class TimeLimitReached(AgentExit):
    """The rollout ran out of wall-clock time."""

    status = "time_limit"


class FormatErrorLimit(AgentExit):
    """The model answered with malformed tool calls too often."""

    status = "format_error"


class FormatError(Exception):
    """One malformed answer; `problems` are told back to the model."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems
