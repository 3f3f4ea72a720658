"""Real GitHub REST and webhook examples (tests/fixtures/github), re-addressed to a fake server."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

Json = dict[str, Any]


EXAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "github"


def examples_root() -> Path:
    """The folder of GitHub examples inside the repository (see its README for their source)."""
    return EXAMPLES


@cache
def _load(kind: str, name: str) -> Any:
    return json.loads((examples_root() / kind / name).read_text())


def rest_example(name: str) -> Any:
    """A deep copy of a REST response example, e.g. `GET_repos_owner_repo_200_default-response`."""
    return copy.deepcopy(_load("rest-examples", f"{name}.json"))


def webhook_example(name: str) -> Json:
    """A deep copy of a webhook payload example, e.g. `issues.labeled.9`."""
    data = copy.deepcopy(_load("webhook-examples", f"{name}.json"))
    assert isinstance(data, dict)
    return data


class Shapes:
    """Builds response objects from the examples with the fake's addresses and state patched in."""

    def __init__(self, api_url: str, web_url: str) -> None:
        self.api_url = api_url.rstrip("/")
        self.web_url = web_url.rstrip("/")

    def _readdress(self, data: Any, owner: str = "", name: str = "") -> Any:
        text = json.dumps(data)
        text = text.replace("https://api.github.com", self.api_url)
        text = text.replace("https://github.com", self.web_url)
        if owner:
            for example in ("octocat/Hello-World", "Codertocat/Hello-World"):
                text = text.replace(example, f"{owner}/{name}")
        return json.loads(text)

    def user(self, login: str, *, bot: bool = False, user_id: int = 1) -> Json:
        base: Json = rest_example("GET_repos_owner_repo_issues_issue_number_comments_200_default")[
            0
        ]["user"]
        text = json.dumps(self._readdress(base)).replace("octocat", login)
        user: Json = json.loads(text)
        user.update(id=user_id, type="Bot" if bot else "User")
        return user

    def repository(
        self, owner: Json, name: str, *, repo_id: int, branch: str, private: bool
    ) -> Json:
        repo: Json = self._readdress(
            rest_example("GET_repos_owner_repo_200_default-response"), owner["login"], name
        )
        full = f"{owner['login']}/{name}"
        repo.update(
            id=repo_id,
            name=name,
            full_name=full,
            owner=owner,
            private=private,
            default_branch=branch,
            html_url=f"{self.web_url}/{full}",
            clone_url=f"{self.web_url}/{full}.git",
            url=f"{self.api_url}/repos/{full}",
        )
        # The examples predate fields the current schema requires.
        repo.setdefault("language", "Python")
        repo.pop("organization", None)
        repo.pop("parent", None)
        repo.pop("source", None)
        repo.pop("template_repository", None)
        return repo

    def issue(
        self, full: str, number: int, title: str, body: str, author: Json, labels: list[str]
    ) -> Json:
        issue: Json = self._readdress(
            webhook_example("issues.labeled.9")["issue"], *full.split("/")
        )
        label_template = issue["labels"][0]
        issue.update(
            id=1_000_000 + number,
            number=number,
            title=title,
            body=body,
            user=author,
            state="open",
            labels=[
                {**label_template, "name": label, "id": i + 1} for i, label in enumerate(labels)
            ],
            html_url=f"{self.web_url}/{full}/issues/{number}",
            url=f"{self.api_url}/repos/{full}/issues/{number}",
            assignee=None,
            assignees=[],
            milestone=None,
        )
        issue.pop("pull_request", None)
        return issue

    def comment(self, full: str, number: int, comment_id: int, body: str, author: Json) -> Json:
        comment: Json = self._readdress(
            rest_example("GET_repos_owner_repo_issues_issue_number_comments_200_default")[0],
            *full.split("/"),
        )
        comment.update(
            id=comment_id,
            body=body,
            user=author,
            html_url=f"{self.web_url}/{full}/issues/{number}#issuecomment-{comment_id}",
            url=f"{self.api_url}/repos/{full}/issues/comments/{comment_id}",
            issue_url=f"{self.api_url}/repos/{full}/issues/{number}",
            author_association="NONE" if author["type"] == "Bot" else "COLLABORATOR",
        )
        return comment

    def reaction(self, reaction_id: int, content: str, author: Json) -> Json:
        reaction: Json = rest_example(
            "POST_repos_owner_repo_issues_issue_number_reactions_201_default"
        )
        reaction.update(id=reaction_id, content=content, user=author)
        return reaction

    def check_run(self, full: str, run_id: int, fields: Json) -> Json:
        run: Json = self._readdress(
            rest_example("POST_repos_owner_repo_check-runs_201_example-of-in-progress-conclusion"),
            *full.split("/"),
        )
        run["check_suite"] = {"id": run_id}
        run["pull_requests"] = []
        run.update(
            id=run_id,
            url=f"{self.api_url}/repos/{full}/check-runs/{run_id}",
            html_url=f"{self.web_url}/{full}/runs/{run_id}",
            details_url=None,
            external_id="",
        )
        output = {**run["output"], "text": None, "annotations_count": 0}
        output.update(fields.pop("output", None) or {})
        run.update(fields, output=output)
        return run

    def pull(self, repo: Json, number: int, fields: Json, head_sha: str, base_sha: str) -> Json:
        full = repo["full_name"]
        pr: Json = self._readdress(
            rest_example("POST_repos_owner_repo_pulls_201_default"), *full.split("/")
        )
        owner = repo["owner"]["login"]
        pr.update(
            id=2_000_000 + number,
            number=number,
            title=fields["title"],
            body=fields.get("body"),
            draft=bool(fields.get("draft", False)),
            state=fields.get("state", "open"),
            user=fields["user"],
            locked=False,
            active_lock_reason=None,
            milestone=None,
            assignee=None,
            assignees=[],
            requested_reviewers=[],
            requested_teams=[],
            labels=[],
            closed_at=None,
            merged_at=None,
            merged_by=None,
            merged=False,
            html_url=f"{self.web_url}/{full}/pull/{number}",
            url=f"{self.api_url}/repos/{full}/pulls/{number}",
        )
        pr["head"] = {
            **pr["head"],
            "label": f"{owner}:{fields['head']}",
            "ref": fields["head"],
            "sha": head_sha,
            "repo": repo,
            "user": repo["owner"],
        }
        pr["base"] = {
            **pr["base"],
            "label": f"{owner}:{fields['base']}",
            "ref": fields["base"],
            "sha": base_sha,
            "repo": repo,
            "user": repo["owner"],
        }
        return pr

    def review_comment(self, full: str, pr: int, review_id: int, fields: Json) -> Json:
        comment: Json = self._readdress(
            rest_example("GET_repos_owner_repo_pulls_pull_number_comments_200_default")[0],
            *full.split("/"),
        )
        comment.pop("in_reply_to_id", None)
        comment.update(pull_request_review_id=review_id, **fields)
        comment["pull_request_url"] = f"{self.api_url}/repos/{full}/pulls/{pr}"
        return comment

    def content_file(self, full: str, path: str, data: bytes, sha: str) -> Json:
        import base64

        content: Json = self._readdress(
            rest_example("GET_repos_owner_repo_contents_path_200_response-if-content-is-a-file")
        )
        encoded = base64.encodebytes(data).decode()
        content.update(
            size=len(data),
            name=path.rsplit("/", 1)[-1],
            path=path,
            sha=sha,
            content=encoded,
            url=f"{self.api_url}/repos/{full}/contents/{path}",
        )
        return content

    def permission(self, level: str, user: Json) -> Json:
        data: Json = rest_example(
            "GET_repos_owner_repo_collaborators_username_permission_200_response-if-user-has-admin-permissions"
        )
        # The legacy field folds maintain into write and triage into read, as GitHub does.
        legacy = {"maintain": "write", "triage": "read"}.get(level, level)
        data.update(permission=legacy, role_name=level, user={**user, "role_name": level})
        return data

    def installation_token(self, token: str, expires_at: str) -> Json:
        data: Json = rest_example(
            "POST_app_installations_installation_id_access_tokens_201_default"
        )
        data.update(token=token, expires_at=expires_at)
        data.pop("repositories", None)
        return data

    def installation(self, installation_id: int, account: Json) -> Json:
        data: Json = self._readdress(rest_example("GET_repos_owner_repo_installation_200_default"))
        data.update(id=installation_id, account=account)
        return data
