"""The REST endpoints of the fake GitHub that autofix calls, over in-memory state."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from tests.fakes.github_state import FakeRepo

if TYPE_CHECKING:
    from tests.fakes.github_server import FakeGitHub

Json = dict[str, Any]
_REACTIONS = {"+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"}


class FakeError(Exception):
    """Answered as GitHub's error body: `message`, optional `errors`, `documentation_url`."""

    def __init__(self, status: int, message: str, errors: list[Json] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.body: Json = {"message": message, "documentation_url": "https://docs.github.com/rest"}
        if errors is not None:
            self.body["errors"] = errors
        self.body["status"] = str(status)


def error_response(exc: FakeError) -> JSONResponse:
    return JSONResponse(exc.body, status_code=exc.status)


def _page(fake: FakeGitHub, request: Request, items: list[Json]) -> JSONResponse:
    per_page = min(int(request.query_params.get("per_page", 30)), fake.max_per_page)
    page = int(request.query_params.get("page", 1))
    chunk = items[(page - 1) * per_page : page * per_page]
    headers = {}
    if page * per_page < len(items):
        url = fake.api_url + request.url.path.removeprefix(fake.api_prefix)
        headers["Link"] = f'<{url}?per_page={per_page}&page={page + 1}>; rel="next"'
    return JSONResponse(chunk, headers=headers)


async def _json(request: Request) -> Json:
    data = await request.json()
    if not isinstance(data, dict):
        raise FakeError(400, "Problems parsing JSON")
    return data


def build_router(fake: FakeGitHub) -> APIRouter:
    r = APIRouter()
    s = fake.state
    shapes = fake.shapes

    def repo_for(request: Request, owner: str, name: str) -> FakeRepo:
        installation_id = fake.auth.authenticate_installation(request)
        repo = s.repo(owner, name)
        if repo is None or repo.installation_id != installation_id:
            raise FakeError(404, "Not Found")
        return repo

    def issue_for(repo: FakeRepo, number: int) -> Json:
        issue = s.issues.get((repo.full_name, number))
        pull = s.pulls.get((repo.full_name, number))
        if issue is None and pull is not None:
            # Every pull request is an issue too: its conversation is the issue's comments.
            return {"number": number, "title": pull["title"], "pull_request": {}}
        if issue is None:
            raise FakeError(404, "Not Found")
        return issue

    @r.post("/app/installations/{installation_id}/access_tokens", status_code=201)
    async def mint_token(installation_id: int, request: Request) -> Json:
        fake.auth.authenticate_app(request)
        token, expires_at = fake.auth.mint_token(installation_id)
        return shapes.installation_token(token, expires_at)

    @r.get("/repos/{owner}/{name}/installation")
    async def repo_installation(owner: str, name: str, request: Request) -> Json:
        fake.auth.authenticate_app(request)
        repo = s.repo(owner, name)
        if repo is None:
            raise FakeError(404, "Not Found")
        return shapes.installation(repo.installation_id, repo.data["owner"])

    @r.get("/repos/{owner}/{name}")
    async def get_repo(owner: str, name: str, request: Request) -> Json:
        return repo_for(request, owner, name).data

    @r.get("/repos/{owner}/{name}/issues/{number}")
    async def get_issue(owner: str, name: str, number: int, request: Request) -> Json:
        return issue_for(repo_for(request, owner, name), number)

    @r.get("/repos/{owner}/{name}/issues/{number}/comments")
    async def list_comments(owner: str, name: str, number: int, request: Request) -> Response:
        repo = repo_for(request, owner, name)
        issue_for(repo, number)
        return _page(fake, request, s.issue_comments(repo.full_name, number))

    @r.post("/repos/{owner}/{name}/issues/{number}/comments", status_code=201)
    async def create_comment(owner: str, name: str, number: int, request: Request) -> Json:
        repo = repo_for(request, owner, name)
        issue_for(repo, number)
        body = (await _json(request)).get("body")
        if not isinstance(body, str) or not body:
            raise FakeError(422, "Validation Failed", [{"field": "body", "code": "missing_field"}])
        with s.lock:
            comment_id = next(s.ids)
            comment = shapes.comment(repo.full_name, number, comment_id, body, fake.bot_user)
            s.comments[comment_id] = comment
            s.comment_issue[comment_id] = (repo.full_name, number)
        return comment

    @r.patch("/repos/{owner}/{name}/issues/comments/{comment_id}")
    async def update_comment(owner: str, name: str, comment_id: int, request: Request) -> Json:
        repo = repo_for(request, owner, name)
        comment = s.comments.get(comment_id)
        if comment is None or s.comment_issue[comment_id][0] != repo.full_name:
            raise FakeError(404, "Not Found")
        if comment["user"]["login"] != fake.bot_user["login"]:
            raise FakeError(403, "Resource not accessible by integration")
        comment["body"] = (await _json(request))["body"]
        return comment

    async def react(request: Request, subject: tuple[str, int]) -> JSONResponse:
        content = (await _json(request)).get("content")
        if content not in _REACTIONS:
            raise FakeError(422, "Validation Failed", [{"field": "content", "code": "invalid"}])
        with s.lock:
            for existing in s.reactions:
                if existing["subject"] == subject and existing["content"] == content:
                    return JSONResponse(existing["json"], status_code=200)
            reaction = shapes.reaction(next(s.ids), content, fake.bot_user)
            s.reactions.append({"subject": subject, "content": content, "json": reaction})
        return JSONResponse(reaction, status_code=201)

    @r.post("/repos/{owner}/{name}/issues/{number}/reactions")
    async def react_issue(owner: str, name: str, number: int, request: Request) -> JSONResponse:
        issue_for(repo_for(request, owner, name), number)
        return await react(request, ("issue", number))

    @r.post("/repos/{owner}/{name}/issues/comments/{comment_id}/reactions")
    async def react_comment(
        owner: str, name: str, comment_id: int, request: Request
    ) -> JSONResponse:
        repo_for(request, owner, name)
        if comment_id not in s.comments:
            raise FakeError(404, "Not Found")
        return await react(request, ("comment", comment_id))

    @r.get("/repos/{owner}/{name}/collaborators/{username}/permission")
    async def permission(owner: str, name: str, username: str, request: Request) -> Json:
        repo_for(request, owner, name)
        level = s.permissions.get(username)
        if level is None:
            raise FakeError(404, f"{username} is not a user")
        return shapes.permission(level, shapes.user(username))

    @r.get("/repos/{owner}/{name}/contents/{path:path}")
    async def contents(owner: str, name: str, path: str, request: Request) -> Json:
        repo = repo_for(request, owner, name)
        found = repo.read(request.query_params.get("ref") or repo.default_branch, path)
        if found is None:
            raise FakeError(404, "Not Found")
        data, sha = found
        return shapes.content_file(repo.full_name, path, data, sha)

    @r.post("/repos/{owner}/{name}/check-runs", status_code=201)
    async def create_check(owner: str, name: str, request: Request) -> Json:
        repo = repo_for(request, owner, name)
        fields = await _json(request)
        if not fields.get("name") or not fields.get("head_sha"):
            raise FakeError(422, "Validation Failed", [{"field": "head_sha", "code": "missing"}])
        if fields.get("status") == "completed" and not fields.get("conclusion"):
            raise FakeError(422, "conclusion is required when status is completed")
        with s.lock:
            run_id = next(s.ids)
            run = shapes.check_run(repo.full_name, run_id, fields)
            s.check_runs[run_id] = run
        return run

    @r.patch("/repos/{owner}/{name}/check-runs/{run_id}")
    async def update_check(owner: str, name: str, run_id: int, request: Request) -> Json:
        repo_for(request, owner, name)
        run = s.check_runs.get(run_id)
        if run is None:
            raise FakeError(404, "Not Found")
        fields = await _json(request)
        if fields.get("conclusion"):
            fields.setdefault("status", "completed")
        output = fields.pop("output", None)
        run.update(fields)
        if output:
            run["output"].update(output)
        return run

    fake_pulls(r, fake, repo_for)
    return r


def render_pull(fake: FakeGitHub, repo: FakeRepo, pr: Json) -> Json:
    """A stored pull request as the API returns it, head and base shas read from git."""
    head = repo.ref_sha(f"refs/heads/{pr['head']}") or "0" * 40
    base = repo.ref_sha(f"refs/heads/{pr['base']}") or "0" * 40
    data = fake.shapes.pull(repo.data, pr["number"], pr, head, base)
    data["node_id"] = repo.pull_node_id(pr["number"])
    return data


def fake_pulls(r: APIRouter, fake: FakeGitHub, repo_for: Any) -> None:
    """Pull request endpoints: list (head/base/state filters), get, create (422s), update."""
    s = fake.state

    def render(repo: FakeRepo, pr: Json) -> Json:
        return render_pull(fake, repo, pr)

    @r.get("/repos/{owner}/{name}/pulls")
    async def list_pulls(owner: str, name: str, request: Request) -> Response:
        repo = repo_for(request, owner, name)
        state = request.query_params.get("state", "open")
        head = request.query_params.get("head")
        base = request.query_params.get("base")
        # GitHub lists the newest first unless asked otherwise (`sort=created`, `direction=desc`).
        newest_first = request.query_params.get("direction", "desc") == "desc"
        found = [
            render(repo, pr)
            for (full, _), pr in sorted(s.pulls.items(), reverse=newest_first)
            if full == repo.full_name
            and (state == "all" or pr["state"] == state)
            and (head is None or head in (f"{owner}:{pr['head']}", pr["head"]))
            and (base is None or pr["base"] == base)
        ]
        return _page(fake, request, found)

    @r.get("/repos/{owner}/{name}/pulls/{number}")
    async def get_pull(owner: str, name: str, number: int, request: Request) -> Json:
        repo = repo_for(request, owner, name)
        pr = s.pulls.get((repo.full_name, number))
        if pr is None:
            raise FakeError(404, "Not Found")
        return render(repo, pr)

    @r.post("/repos/{owner}/{name}/pulls", status_code=201)
    async def create_pull(owner: str, name: str, request: Request) -> Json:
        repo = repo_for(request, owner, name)
        fields = await _json(request)
        head = str(fields.get("head", "")).split(":")[-1]
        if repo.ref_sha(f"refs/heads/{head}") is None:
            raise FakeError(
                422,
                "Validation Failed",
                [{"resource": "PullRequest", "field": "head", "code": "invalid"}],
            )
        if fields.get("draft") and not fake.drafts_supported:
            raise FakeError(
                422,
                "Validation Failed",
                [
                    {
                        "resource": "PullRequest",
                        "code": "custom",
                        "message": "Draft pull requests are not supported in this repository.",
                    }
                ],
            )
        with s.lock:
            for (full, _), pr in s.pulls.items():
                if (
                    full == repo.full_name
                    and (pr["head"], pr["base"]) == (head, fields["base"])
                    and pr["state"] == "open"
                ):
                    message = f"A pull request already exists for {owner}:{head}."
                    raise FakeError(
                        422,
                        "Validation Failed",
                        [{"resource": "PullRequest", "code": "custom", "message": message}],
                    )
            number = next(repo.numbers)
            pr = {
                "number": number,
                "title": fields["title"],
                "body": fields.get("body"),
                "head": head,
                "base": fields["base"],
                "draft": bool(fields.get("draft")),
                "state": "open",
                "user": fake.bot_user,
            }
            s.pulls[(repo.full_name, number)] = pr
        return render(repo, pr)

    @r.patch("/repos/{owner}/{name}/pulls/{number}")
    async def update_pull(owner: str, name: str, number: int, request: Request) -> Json:
        repo = repo_for(request, owner, name)
        pr = s.pulls.get((repo.full_name, number))
        if pr is None:
            raise FakeError(404, "Not Found")
        fields = await _json(request)
        pr.update({k: v for k, v in fields.items() if k in ("title", "body", "state", "base")})
        return render(repo, pr)

    @r.get("/repos/{owner}/{name}/pulls/{number}/reviews/{review_id}/comments")
    async def review_comments(
        owner: str, name: str, number: int, review_id: int, request: Request
    ) -> Response:
        repo = repo_for(request, owner, name)
        return _page(fake, request, s.review_comments.get((repo.full_name, number, review_id), []))
