"""The retry decision: bounded attempts, short waits, no repeated creates."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from githubkit import Response
from githubkit.exception import RequestFailed, RequestTimeout, SecondaryRateLimitExceeded

from app.github.retry import CappedRetry


def failure(method: str, status: int) -> RequestFailed:
    request = httpx.Request(method, "https://api.github.com/repos/o/r")
    return RequestFailed(Response(httpx.Response(status, request=request), object))


def rate_limited(seconds: int) -> SecondaryRateLimitExceeded:
    request = httpx.Request("POST", "https://api.github.com/repos/o/r/issues/1/comments")
    response = Response(httpx.Response(403, request=request), object)
    return SecondaryRateLimitExceeded(response, timedelta(seconds=seconds))


@pytest.mark.parametrize("base_s", [0.0, 0.5, 10.0])
def test_retries_wait_briefly_and_stop(base_s: float) -> None:
    decide = CappedRetry(max_attempts=4, max_wait_s=2.0, base_s=base_s)

    options = [decide(failure("GET", 503), n) for n in range(5)]

    assert [o.do_retry for o in options] == [True, True, True, False, False]
    for option in options[:3]:
        # githubkit turns a falsy delay into a 60 s sleep, so zero must never be returned.
        assert option.retry_after
        assert option.retry_after <= timedelta(seconds=2.0)


def test_client_errors_and_failed_creates_are_not_retried() -> None:
    decide = CappedRetry()

    assert not decide(failure("GET", 404), 0).do_retry
    assert not decide(failure("POST", 500), 0).do_retry
    assert decide(failure("PATCH", 500), 0).do_retry


def test_rate_limits_are_retried_only_when_short() -> None:
    decide = CappedRetry(max_wait_s=5.0)

    assert decide(rate_limited(3), 0).retry_after == timedelta(seconds=3)
    assert not decide(rate_limited(60), 0).do_retry


def test_timeouts_of_reads_are_retried() -> None:
    request = httpx.Request("GET", "https://api.github.com/repos/o/r")
    timeout = RequestTimeout(httpx.ReadTimeout("slow", request=request))

    assert CappedRetry().__call__(timeout, 0).do_retry
