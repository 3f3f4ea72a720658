"""Webhook payloads for end-to-end tests, made from real GitHub examples and readdressed."""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.app.examples import load_example
from tests.fakes.github_server import FakeGitHub

Json = dict[str, Any]
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass
class Deliveries:
    """Builds payloads for one repository hosted by the fake GitHub."""

    github: FakeGitHub
    owner: str
    name: str
    _clock: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def _readdress(self, data: Json, sender: str) -> Json:
        data = copy.deepcopy(data)
        # GitHub stamps every event with the time it happened, so no two deliveries of
        # distinct events share a body (identical bodies are replays and are dropped).
        stamp = EPOCH + timedelta(seconds=next(self._clock))
        for subject in ("issue", "pull_request"):
            if subject in data:
                data[subject]["updated_at"] = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
        data["repository"]["name"] = self.name
        data["repository"]["full_name"] = f"{self.owner}/{self.name}"
        data["repository"]["owner"]["login"] = self.owner
        data["sender"]["login"] = sender
        data["sender"]["type"] = "User"
        data["installation"] = {"id": 1, "node_id": "x"}
        return data

    def labeled(self, number: int, sender: str = "alice", label: str = "autofix") -> Json:
        """The `labeled` event, carrying the issue's title and body as the fake holds them now."""
        data = self._readdress(load_example("issues.labeled.9.json"), sender)
        self._as_held(data, number)
        data["label"]["name"] = label
        return data

    def edited(self, number: int, old_body: str, sender: str = "mallory") -> Json:
        """The `edited` event of a body change (the fake already holds the new body)."""
        data = self._readdress(load_example("issues.edited.0.json"), sender)
        self._as_held(data, number)
        data["changes"] = {"body": {"from": old_body}}
        return data

    def _as_held(self, data: Json, number: int) -> None:
        data["issue"]["number"] = number
        data["issue"].pop("pull_request", None)
        held = self.github.state.issues.get((f"{self.owner}/{self.name}", number))
        if held is not None:
            data["issue"]["title"], data["issue"]["body"] = held["title"], held["body"]

    def unlabeled(self, number: int, sender: str = "alice", label: str = "autofix") -> Json:
        data = self._readdress(load_example("issues.unlabeled.24.json"), sender)
        data["issue"]["number"] = number
        data["issue"].pop("pull_request", None)
        data["label"]["name"] = label
        return data

    def comment(self, number: int, body: str, sender: str = "alice", pr: bool = False) -> Json:
        """A comment as GitHub holds it plus the `issue_comment.created` payload announcing it."""
        state, shapes = self.github.state, self.github.shapes
        full = f"{self.owner}/{self.name}"
        with state.lock:
            comment_id = next(state.ids)
            state.comments[comment_id] = shapes.comment(
                full, number, comment_id, body, shapes.user(sender)
            )
            state.comment_issue[comment_id] = (full, number)
        data = self._readdress(load_example("issue_comment.created.0.json"), sender)
        data["comment"]["id"] = comment_id
        data["issue"]["number"] = number
        data["issue"].pop("pull_request", None)
        if pr:
            data["issue"]["pull_request"] = {"url": "x"}
        data["comment"]["body"] = body
        return data

    def _pull(self, data: Json, pr: Json) -> Json:
        data["pull_request"]["number"] = pr["number"]
        data["pull_request"]["title"] = pr["title"]
        head = pr["head"]  # the fake keeps the branch name; the API shape nests it
        data["pull_request"]["head"]["ref"] = head if isinstance(head, str) else head["ref"]
        return data

    def review(self, pr: Json, review_id: int, body: str, sender: str = "alice") -> Json:
        """`pull_request_review.submitted` on autofix's PR."""
        data = self._readdress(load_example("pull_request_review.submitted.0.json"), sender)
        data["review"].update(id=review_id, body=body, state="changes_requested")
        return self._pull(data, pr)

    def review_comment(
        self, pr: Json, review_id: int, body: str, path: str, sender: str = "alice"
    ) -> Json:
        """`pull_request_review_comment.created` of one review, also stored in the fake."""
        self.github.add_review_comments(
            self.owner,
            self.name,
            pr["number"],
            review_id,
            [{"body": body, "path": path, "user": sender}],
        )
        data = self._readdress(load_example("pull_request_review_comment.created.0.json"), sender)
        with self.github.state.lock:
            comment_id = next(self.github.state.ids)
        data["comment"].update(
            id=comment_id, body=body, path=path, pull_request_review_id=review_id
        )
        return self._pull(data, pr)
