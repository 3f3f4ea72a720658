"""What autofix remembers about the CI of a pull request it pushed to, between looks.

A run ends once its pull request is published; the CI that follows is watched by short look
jobs that hold no worker slot while CI runs. Everything they carry from one look to the next is
a `CiFollow`, in Redis, keyed by the pull request (`follow_key`); the worker writes it and the
dashboard reads it.
"""

from __future__ import annotations

import logging

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from redis.asyncio import Redis

from app.ci.keys import follow_key
from app.ci.verdict import CiVerdict

log = logging.getLogger(__name__)

MAX_NOTES = 12
"""Notes kept about what autofix did about CI: the latest ones."""
SLOT = "<!-- autofix:ci-section -->"
"""Where the CI section goes in a finished run's status comment."""


class CiFollow(BaseModel):
    """One pull request's CI as autofix follows it: the head it pushed, the CI budget spent so
    far, the heads it tried, the re-runs it asked for and the verdict it last acted on."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    repo: str
    run_id: int
    """The run that pushed the current head; its config and result decide what happens."""
    pr: int
    url: str
    branch: str
    head_sha: str
    rollout_id: str | None = None
    head_since: float
    """When the head was pushed, on the worker's CI clock."""
    spent_s: float = 0.0
    """Seconds of the run's CI budget (`ci.timeout_s`) spent waiting on earlier heads."""
    required: tuple[str, ...] | None = None
    """The checks branch protection requires (`ci.required_only`), read once per run."""
    required_apps: dict[str, int] = Field(default_factory=dict)
    """Required checks protection pins to one app: another app's check run of that name
    never stands in for it."""
    tries: tuple[str, ...] = ()
    """Earlier heads of this run and what CI said about them."""
    tried: tuple[str, ...] = ()
    """Candidates (rollout ids) this run has pushed."""
    reruns: dict[str, int] = Field(default_factory=dict)
    """Check name -> the id of the failed check run re-run on this head."""
    rerun_at: float | None = None
    reopened_at: float | None = None
    """When checks on a head with a verdict started running again (a re-run); None otherwise."""
    outcome: str = ""
    """The run's own sentence about the pull request ("Proposed ... in ...")."""
    notes: tuple[str, ...] = ()
    """What autofix did about CI, in order."""
    acted: str = ""
    """The verdict last acted on: the same verdict is never acted on twice."""
    settled: bool = False
    """The head's first verdict is in: its waiting is over and no more polls are scheduled."""
    stopped: bool = False
    """Someone else's commit is on the pull request: autofix pushes nothing more to it."""
    poll_seq: int = 0
    """The current poll's number; polls with another number are stale."""
    polling: bool = False
    comment: str
    """The run's status comment with `SLOT` where the CI section goes."""
    section: str = ""
    """The CI section last shown."""
    last: CiVerdict | None = None
    """The verdict the CI section last showed, without the checks' output text (the
    dashboard's checks table); None while autofix waits for checks on a new head."""

    def spent_at(self, now: float) -> float:
        """The CI budget spent by `now`: earlier heads, and this one while it still waits."""
        return self.spent_s + (0.0 if self.settled else max(now - self.head_since, 0.0))

    def settled_at(self, now: float) -> CiFollow:
        """The record with this head's waiting over (its wait added to the budget spent) and
        no poll expected."""
        return self.model_copy(
            update={
                "settled": True,
                "spent_s": self.spent_at(now),
                "polling": False,
                "reopened_at": None,
            }
        )

    def with_note(self, note: str) -> CiFollow:
        """The record with `note` as its latest: a sentence already there moves to the end,
        and only the latest `MAX_NOTES` are kept (a check can flip without end)."""
        if not note:
            return self
        notes = (*(n for n in self.notes if n != note), note)
        return self.model_copy(update={"notes": notes[-MAX_NOTES:]})

    def showing(self, section: str, verdict: CiVerdict | None) -> CiFollow:
        """The record with `section` shown, and `verdict` as its structured twin."""
        last = None
        if verdict is not None:
            bare = tuple(c.model_copy(update={"output": ""}) for c in verdict.checks)
            last = verdict.model_copy(update={"checks": bare})
        return self.model_copy(update={"section": section, "last": last})


class CiRecords:
    """Reads `CiFollow` records from Redis (the worker's `CiFollows` also writes them)."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def load(self, repo: str, pr: int) -> CiFollow | None:
        """The CI record of `repo`#`pr`, or None when there is none or it cannot be read."""
        raw = await self.redis.get(follow_key(repo, pr))
        if raw is None:
            return None
        try:
            return CiFollow.model_validate_json(raw)
        except ValidationError:
            log.warning("CI record of %s#%s is unreadable; it is dropped", repo, pr)
            return None
