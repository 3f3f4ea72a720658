"""The webhook helper signs like GitHub and aims real payloads at the fake's state."""

from __future__ import annotations

import hashlib
import hmac
import json

from fastapi import FastAPI, Request
from httpx import ASGITransport, AsyncClient

from tests.fakes.github_server import FakeGitHub
from tests.fakes.webhooks import deliver, event_of, payload, sign


def test_signature_matches_githubs_documented_example() -> None:
    # From GitHub's "Validating webhook deliveries" documentation.
    expected = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    assert sign(b"Hello, World!", "It's a Secret to Everybody") == expected


def test_payload_uses_the_fakes_repository_issue_and_sender(fake_github: FakeGitHub) -> None:
    fake_github.add_repo("octo", "calc")
    number = fake_github.add_issue("octo", "calc", "Median is wrong")

    data = payload(
        "issues.labeled.9", fake=fake_github, issue=number, sender="wendy", label="autofix"
    )

    assert data["repository"]["full_name"] == "octo/calc"
    assert (data["issue"]["number"], data["issue"]["title"]) == (number, "Median is wrong")
    assert (data["sender"]["login"], data["label"]["name"]) == ("wendy", "autofix")
    assert data["installation"]["id"] == 1
    assert event_of("issues.labeled.9") == "issues"


async def test_deliver_posts_signed_json_with_event_headers() -> None:
    seen: dict[str, object] = {}
    app = FastAPI()

    @app.post("/webhook")
    async def hook(request: Request) -> dict[str, str]:
        body = await request.body()
        seen["event"] = request.headers["x-github-event"]
        seen["delivery"] = request.headers["x-github-delivery"]
        digest = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
        seen["valid"] = request.headers["x-hub-signature-256"] == f"sha256={digest}"
        seen["action"] = json.loads(body)["action"]
        return {}

    data = payload("issue_comment.created.0", comment_body="/autofix retry")
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as client:
        response = await deliver(
            "http://t/webhook", "issue_comment", data, "s3cret", delivery_id="d-1", client=client
        )

    assert response.status_code == 200
    assert seen == {"event": "issue_comment", "delivery": "d-1", "valid": True, "action": "created"}
    assert data["comment"]["body"] == "/autofix retry"
