"""A retry decision for githubkit that never stalls a job for long."""

from __future__ import annotations

from datetime import timedelta

from githubkit.exception import GitHubException, RateLimitExceeded, RequestError, RequestFailed
from githubkit.retry import RetryOption

# A POST that failed with a 5xx or a dropped connection may still have created its comment or
# pull request; repeating it could duplicate user-visible content, so only refusals are retried.
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"})
# githubkit sleeps 60 s when a retry's delay is falsy, and timedelta(0) is falsy.
_SHORTEST = timedelta(microseconds=1)


def _wait(seconds: float) -> timedelta:
    return max(timedelta(seconds=seconds), _SHORTEST)


class CappedRetry:
    """Retries server errors, timeouts and short rate limits a bounded number of times."""

    __slots__ = ("base_s", "max_attempts", "max_wait_s")

    def __init__(self, *, max_attempts: int = 3, max_wait_s: float = 5.0, base_s: float = 0.5):
        self.max_attempts = max_attempts
        self.max_wait_s = max_wait_s
        self.base_s = base_s

    def __call__(self, exc: GitHubException, retry_count: int) -> RetryOption:
        """Decide on retry number `retry_count + 1`; rate limits longer than the cap fail fast."""
        if retry_count + 1 >= self.max_attempts:
            return RetryOption(False)
        if isinstance(exc, RateLimitExceeded):
            wait = exc.retry_after.total_seconds()
            if wait > self.max_wait_s:
                return RetryOption(False)
            return RetryOption(True, _wait(wait))
        backoff = _wait(min(self.max_wait_s, self.base_s * 2**retry_count))
        if isinstance(exc, RequestFailed):
            status = exc.response.status_code
            if status >= 500 and exc.request.method in _IDEMPOTENT:
                return RetryOption(True, backoff)
            return RetryOption(False)
        if isinstance(exc, RequestError):
            request = getattr(exc.exc, "request", None)
            method = request.method if request is not None else "POST"
            if method in _IDEMPOTENT:
                return RetryOption(True, backoff)
        return RetryOption(False)
