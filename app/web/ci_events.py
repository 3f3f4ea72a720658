"""CI events (`check_run`, `check_suite`, `status`): about one of autofix's heads, they queue a
look at its checks; about any other commit, nothing.

They are accepted whatever their sender: the check events of autofix's own pushes often name
autofix's bot. An event carries no verdict autofix believes: the look reads the checks from the
API itself, so a forged event can at most make autofix look sooner.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from arq.connections import ArqRedis
from arq.constants import default_queue_name, job_key_prefix, result_key_prefix
from arq.jobs import serialize_job
from arq.utils import timestamp_ms
from pydantic import BaseModel, ConfigDict, ValidationError

from app.ci.keys import DIRTY_TTL_S, LOOK_JOB, dirty_key, head_key, look_job_id
from app.queue import dump_job

CI_EVENTS = frozenset({"check_run", "check_suite", "status"})
_SHA = re.compile(r"[0-9a-fA-F]{40}|[0-9a-fA-F]{64}")
EXPIRES_MS = 24 * 3600 * 1000

# KEYS: head index, dirty mark, job, job result, queue
# ARGV: dirty ttl s, job id, job bytes, expires ms, score
_SCRIPT = """
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
redis.call('SET', KEYS[2], '1', 'EX', ARGV[1])
if redis.call('EXISTS', KEYS[3], KEYS[4]) > 0 then
  return 2
end
redis.call('PSETEX', KEYS[3], ARGV[4], ARGV[3])
redis.call('ZADD', KEYS[5], ARGV[5], ARGV[2])
return 1
"""

Looked = Literal["ignored", "nudged"]


class _Lenient(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class _Head(_Lenient):
    head_sha: str


class _Repo(_Lenient):
    full_name: str


class CiEvent(_Lenient):
    """The few fields of a CI event that name the commit it is about."""

    repository: _Repo
    check_run: _Head | None = None
    check_suite: _Head | None = None
    sha: str | None = None
    """A `status` event's commit."""

    @property
    def head_sha(self) -> str | None:
        for found in (self.check_run, self.check_suite):
            if found is not None:
                return found.head_sha
        return self.sha


def ci_head(body: bytes) -> tuple[str, str] | None:
    """The repository and commit a CI event is about; None when it names no valid commit."""
    try:
        event = CiEvent.model_validate_json(body)
    except ValidationError:
        return None
    sha, repo = event.head_sha, event.repository.full_name
    if sha is None or not _SHA.fullmatch(sha) or not 0 < len(repo) <= 200:
        return None
    return repo, sha


class CiLooks:
    """Queues a look at a head's checks, in one atomic round trip, when the head is autofix's;
    events arriving while a look is queued share it."""

    def __init__(self, redis: ArqRedis) -> None:
        self._script: Any = redis.register_script(_SCRIPT)

    async def nudge(self, repo: str, sha: str) -> Looked:
        job_id = look_job_id(repo, sha)
        now = timestamp_ms()
        job = serialize_job(LOOK_JOB, (repo, sha), {}, None, now, serializer=dump_job)
        keys = [
            head_key(repo, sha),
            dirty_key(repo, sha),
            job_key_prefix + job_id,
            result_key_prefix + job_id,
            default_queue_name,
        ]
        outcome = await self._script(keys=keys, args=[DIRTY_TTL_S, job_id, job, EXPIRES_MS, now])
        return "ignored" if int(outcome) == 0 else "nudged"
