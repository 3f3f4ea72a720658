"""Watching the checks on autofix's head commit until they are all complete or time runs out."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.ci.checks import CiSnapshot
from app.ci.nudge import nudge_key
from app.ci.verdict import CiVerdict, judge
from app.config.ci import CiConfig

log = logging.getLogger(__name__)

OnVerdict = Callable[[CiVerdict], Awaitable[None]]
Rerun = Callable[[int], Awaitable[bool]]
"""Re-runs one failed Actions job by id; False when GitHub does not allow it."""


class CiReads(Protocol):
    """The one GitHub read the watcher makes."""

    async def ci_snapshot(self, sha: str, own_app_id: int) -> CiSnapshot: ...


class Pause(Protocol):
    """Waits up to `timeout_s`, or less when a CI webhook nudges `key`."""

    async def __call__(self, key: str, timeout_s: float) -> None: ...


class RedisNudges:
    """A pause that a CI webhook ends early by pushing to the head commit's nudge list."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def __call__(self, key: str, timeout_s: float) -> None:
        try:
            # BLPOP takes fractional seconds since Redis 6 (redis-py's annotation says int).
            popped = await self.redis.execute_command(  # type: ignore[no-untyped-call]
                "BLPOP", key, f"{max(timeout_s, 0.01):.3f}"
            )
            if popped is not None:
                # Several events may arrive at once; one look at GitHub answers them all.
                await self.redis.delete(key)
        except RedisError:
            log.warning("CI nudges unavailable; polling only", exc_info=True)


@dataclass
class CiWatcher:
    """Polls one head commit's checks (webhooks only make it look sooner) until a verdict."""

    repo: CiReads
    config: CiConfig
    own_app_id: int
    clock: Callable[[], float]
    pause: Pause
    poll_s: float = 15.0
    required: frozenset[str] | None = None
    """The checks branch protection requires (`ci.required_only`); None: every check counts."""
    rerun: Rerun | None = None
    """When set, failed Actions jobs are re-run once each, to tell a flake from a failure."""

    async def watch(self, repo: str, sha: str, on_verdict: OnVerdict) -> CiVerdict:
        """The final verdict on `sha`; `on_verdict` hears every verdict that differs."""
        start = self.clock()
        shown: CiVerdict | None = None
        key = nudge_key(repo, sha)
        rerun_done: set[str] = set()
        while True:
            waited = self.clock() - start
            try:
                snapshot = await self.repo.ci_snapshot(sha, self.own_app_id)
            except Exception:  # GitHub hiccups must not end the watch; the timeout still does
                log.warning("CI checks of %s could not be read", sha, exc_info=True)
                if waited >= self.config.timeout_s:
                    return CiVerdict(outcome="timed_out", sha=sha)
            else:
                verdict = judge(snapshot, self.config, self.own_app_id, waited, self.required)
                if verdict != shown:
                    await on_verdict(verdict)
                    shown = verdict
                if verdict.done and not await self._rerun(verdict, rerun_done):
                    return verdict
            await self.pause(key, self.poll_s)

    async def _rerun(self, verdict: CiVerdict, done: set[str]) -> bool:
        """Re-run each failed Actions check once (by name: a re-run is a new job); True when
        any was started."""
        if self.rerun is None or verdict.outcome != "failed":
            return False
        started = False
        for check in verdict.failing:
            job = check.check_run_id
            if not check.actions_job or job is None or check.name in done:
                continue
            done.add(check.name)
            try:
                started = await self.rerun(job) or started
            except Exception:  # the failure stands as CI reported it
                log.warning("job %s could not be re-run", job, exc_info=True)
        return started
