"""Signed GitHub webhook deliveries built from real payload examples, aimed at the fake's state."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from typing import Any

import httpx

from tests.fakes.github_examples import webhook_example
from tests.fakes.github_server import FakeGitHub

Json = dict[str, Any]


def sign(body: bytes, secret: str) -> str:
    """The `X-Hub-Signature-256` value GitHub sends for `body`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def event_of(example: str) -> str:
    """`issues.labeled.9` -> `issues` (the X-GitHub-Event header)."""
    return example.split(".", 1)[0]


def headers_for(
    event: str, body: bytes, secret: str, delivery_id: str | None = None
) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": "GitHub-Hookshot/fake",
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery_id or str(uuid.uuid4()),
        "X-GitHub-Hook-ID": "1",
        "X-GitHub-Hook-Installation-Target-Type": "integration",
        "X-Hub-Signature-256": sign(body, secret),
    }


def payload(
    example: str,
    *,
    fake: FakeGitHub | None = None,
    owner: str = "octo",
    repo: str = "calc",
    issue: int | None = None,
    sender: str = "alice",
    installation_id: int = 1,
    label: str | None = None,
    comment_body: str | None = None,
    comment_id: int | None = None,
) -> Json:
    """A real payload example rewritten to owner/repo, the issue, sender and installation given.

    With `fake`, the repository and issue objects are the fake's own, so ids and numbers agree
    with what the API then returns.
    """
    text = json.dumps(webhook_example(example))
    for original in ("Codertocat/Hello-World", "octocat/Hello-World"):
        text = text.replace(original, f"{owner}/{repo}")
    data: Json = json.loads(text)
    user = {
        **data.get("sender", {}),
        "login": sender,
        "type": "Bot" if sender.endswith("[bot]") else "User",
    }
    if fake is not None:
        user = fake.shapes.user(
            sender, bot=sender.endswith("[bot]"), user_id=abs(hash(sender)) % 10**8
        )
    data["sender"] = user
    data["installation"] = {
        "id": installation_id,
        "node_id": f"MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u{installation_id}",
    }
    hosted = fake.state.repo(owner, repo) if fake is not None else None
    if hosted is not None:
        data["repository"] = hosted.data
    elif "repository" in data:
        data["repository"].update(name=repo, full_name=f"{owner}/{repo}")
        data["repository"]["owner"]["login"] = owner
    if issue is not None and "issue" in data:
        stored = fake.state.issues.get((f"{owner}/{repo}", issue)) if fake is not None else None
        data["issue"] = dict(stored) if stored is not None else {**data["issue"], "number": issue}
    if label is not None:
        data["label"] = {**data.get("label", {}), "name": label}
    if "comment" in data:
        data["comment"]["user"] = user
        if comment_body is not None:
            data["comment"]["body"] = comment_body
        if comment_id is not None:
            data["comment"]["id"] = comment_id
    return data


async def deliver(
    url: str,
    event: str,
    data: Json,
    secret: str,
    *,
    delivery_id: str | None = None,
    client: httpx.AsyncClient | None = None,
) -> httpx.Response:
    """POST `data` as GitHub would: JSON body, event and delivery headers, HMAC signature."""
    body = json.dumps(data).encode()
    headers = headers_for(event, body, secret, delivery_id)
    if client is not None:
        return await client.post(url, content=body, headers=headers)
    async with httpx.AsyncClient(timeout=30) as own:
        return await own.post(url, content=body, headers=headers)
