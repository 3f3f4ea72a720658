"""Prometheus label values from a fixed vocabulary, so senders cannot grow `/metrics`.

Every label value that comes from a request goes through `bounded`: whatever is not in the
known set becomes `other`. Labels never carry repository names, logins or other identities.
"""

from __future__ import annotations

from typing import Literal, get_args

from app.telemetry.labels import bounded

WebhookOutcome = Literal[
    "queued",
    "batched",
    "duplicate",
    "ignored",
    "pong",
    "bad_signature",
    "missing_headers",
    "bad_payload",
    "bad_length",
    "too_large",
    "too_slow",
    "queue_unavailable",
    "nudged",
]
"""Every way a webhook delivery can end; the `outcome` label of the deliveries counter."""
WEBHOOK_OUTCOMES = frozenset(get_args(WebhookOutcome))

# The events the App subscribes to, plus the ones GitHub sends every App.
KNOWN_EVENTS = frozenset(
    {
        "issues",
        "issue_comment",
        "pull_request",
        "pull_request_review",
        "pull_request_review_comment",
        "ping",
        "installation",
        "installation_repositories",
        "installation_target",
        "github_app_authorization",
        "meta",
        "check_run",
        "check_suite",
        "status",
        "push",
    }
)


def event_label(event: str) -> str:
    """The label of a delivery's `X-GitHub-Event` header (`none` when it is missing)."""
    return "none" if not event else bounded(event, KNOWN_EVENTS)
