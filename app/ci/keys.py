"""Where the webhook service and the worker meet about one pull request's CI, in Redis.

autofix registers each head commit it pushes (`head_key` names its pull request). A CI event
about a registered head queues one look at its checks (`look_job_id` coalesces a flood of
events into one queued job) and marks the head dirty, so a look already under way looks again.
"""

from __future__ import annotations

LOOK_JOB = "look_at_ci"
FOLLOW_TTL_S = 30 * 24 * 3600
"""How long autofix keeps acting on CI results of a pull request it pushed to."""
DIRTY_TTL_S = 3600


def head_key(repo: str, sha: str) -> str:
    """The pull request number behind one of autofix's head commits."""
    return f"autofix:ci-head:{repo.casefold()}:{sha.casefold()}"


def dirty_key(repo: str, sha: str) -> str:
    """Set by every CI event on the head: something changed since the last look."""
    return f"autofix:ci-dirty:{repo.casefold()}:{sha.casefold()}"


def looked_key(repo: str, sha: str) -> str:
    """Set for a while by each look at the head: CI events within it share a later look."""
    return f"autofix:ci-looked:{repo.casefold()}:{sha.casefold()}"


def look_job_id(repo: str, sha: str) -> str:
    """The one queued look that CI events on a head share."""
    return f"ci-look:{repo.casefold()}:{sha.casefold()}"


def later_job_id(repo: str, sha: str) -> str:
    """The one look that CI events arriving too soon after a look share."""
    return f"ci-later:{repo.casefold()}:{sha.casefold()}"


def poll_job_id(repo: str, sha: str, seq: int) -> str:
    """The `seq`-th poll of a head, the fallback when no CI event arrives."""
    return f"ci-poll:{repo.casefold()}:{sha.casefold()}:{seq}"


def follow_key(repo: str, pr: int) -> str:
    """What autofix remembers about the CI of one of its pull requests (`CiFollow`)."""
    return f"autofix:ci-follow:{repo.casefold()}:{pr}"
