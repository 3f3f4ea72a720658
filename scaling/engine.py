"""Runs rounds of rollouts, gates, tournament, holdout and refinement for one issue."""

from __future__ import annotations

import time
from collections.abc import Callable

from scaling.config import EngineConfig
from scaling.issue import Issue
from scaling.protocols import EventSink, Judge, RolloutRunner, Summarizer, TestRunner
from scaling.result import RunResult


class Engine:
    """The test-time-scaling loop over the protocols the app provides."""

    def __init__(
        self,
        config: EngineConfig,
        runner: RolloutRunner,
        summarizer: Summarizer,
        judge: Judge,
        tests: TestRunner,
        events: EventSink,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self.runner = runner
        self.summarizer = summarizer
        self.judge = judge
        self.tests = tests
        self.events = events
        self.clock = clock

    async def run(self, issue: Issue) -> RunResult:
        raise NotImplementedError("engine under construction")
