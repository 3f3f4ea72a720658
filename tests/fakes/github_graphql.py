"""The fake GitHub's GraphQL endpoint: the review-threads query and the ready-for-review
mutation autofix sends, nothing more."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from tests.fakes.github_routes import FakeError

if TYPE_CHECKING:
    from tests.fakes.github_server import FakeGitHub

Json = dict[str, Any]


def thread_node(
    path: str, line: int | None, comments: list[tuple[str, str]], resolved: bool, outdated: bool
) -> Json:
    """A `PullRequestReviewThread` node; authors ending in `[bot]` become `Bot` actors."""

    def actor(login: str) -> Json:
        if login.endswith("[bot]"):
            # GraphQL names Apps without the `[bot]` suffix REST shows.
            return {"__typename": "Bot", "login": login.removesuffix("[bot]")}
        return {"__typename": "User", "login": login}

    return {
        "isResolved": resolved,
        "isOutdated": outdated,
        "path": path,
        # GitHub reports no line for a thread whose line left the diff.
        "line": None if outdated else line,
        "comments": {"nodes": [{"body": body, "author": actor(a)} for a, body in comments]},
    }


def _error(message: str, kind: str | None = None, path: list[str] | None = None) -> Json:
    error: Json = {"message": message, "locations": [{"line": 3, "column": 5}]}
    if kind is not None:
        error["type"] = kind
    if path is not None:
        error["path"] = path
    return error


def _review_threads(fake: FakeGitHub, installation_id: int, variables: Json) -> Json:
    s = fake.state
    repo = s.repo(str(variables.get("owner")), str(variables.get("name")))
    if repo is None or repo.installation_id != installation_id:
        owner, name = variables.get("owner"), variables.get("name")
        message = f"Could not resolve to a Repository with the name '{owner}/{name}'."
        return {
            "data": {"repository": None},
            "errors": [_error(message, "NOT_FOUND", ["repository"])],
        }
    number = int(variables.get("number", 0))
    key = (repo.full_name, number)
    with s.lock:
        threads = list(s.review_threads.get(key, []))
        exists = key in s.pulls or key in s.review_threads
    if not exists:
        message = f"Could not resolve to a PullRequest with the number of {number}."
        error = _error(message, "NOT_FOUND", ["repository", "pullRequest"])
        return {"data": {"repository": {"pullRequest": None}}, "errors": [error]}
    page = {"nodes": threads[:100]}
    return {"data": {"repository": {"pullRequest": {"reviewThreads": page}}}}


def _mark_ready(fake: FakeGitHub, installation_id: int, variables: Json) -> Json:
    """`markPullRequestReadyForReview`: the pull request is found by its node id alone."""
    s = fake.state
    node_id = str(variables.get("id", ""))
    field = "markPullRequestReadyForReview"
    with s.lock:
        found = [
            (repo, pr)
            for (full, number), pr in s.pulls.items()
            if (repo := s.repos.get(full)) is not None
            and repo.installation_id == installation_id
            and repo.pull_node_id(number) == node_id
        ]
        if not found:
            # Nodes the installation cannot see look exactly like nodes that do not exist.
            message = f"Could not resolve to a node with the global id of '{node_id}'"
            return {"data": {field: None}, "errors": [_error(message, "NOT_FOUND", [field])]}
        if fake.refuse_ready_for_review:
            message = "Resource not accessible by integration"
            return {"data": {field: None}, "errors": [_error(message, "FORBIDDEN", [field])]}
        [(repo, pr)] = found
        pr["draft"] = False
        s.marked_ready.append((repo.full_name, pr["number"]))
    return {"data": {field: {"pullRequest": {"isDraft": False}}}}


def build_graphql_router(fake: FakeGitHub) -> APIRouter:
    r = APIRouter()

    @r.post("/graphql")
    async def graphql(request: Request) -> JSONResponse:
        installation_id = fake.auth.authenticate_installation(request)
        payload = await request.json()
        query = str(payload.get("query", ""))
        variables: Json = payload.get("variables") or {}
        if "markPullRequestReadyForReview" in query:
            return JSONResponse(_mark_ready(fake, installation_id, variables))
        if "reviewThreads" in query:
            return JSONResponse(_review_threads(fake, installation_id, variables))
        raise FakeError(400, "the fake GitHub only answers the queries autofix sends")

    return r
