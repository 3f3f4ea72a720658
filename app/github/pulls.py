"""The one pull request per issue branch: found, created, or updated in place."""

from __future__ import annotations

from typing import cast

from githubkit.exception import RequestFailed
from githubkit_schemas.latest.models import PullRequestSimple

from app.github.convert import fit, pull_info
from app.github.errors import GitHubError, error_message, http_status
from app.github.models import PullRequestInfo
from app.github.pr_text import merge_body
from app.github.reads import RepoReads


class RepoPulls(RepoReads):
    """Pull request operations of `GitHubRepo`."""

    async def find_pull_request(
        self, head_branch: str, *, base: str | None = None, number: int | None = None
    ) -> PullRequestInfo | None:
        """The open pull request from this repository's `head_branch` into `base`, or the one
        numbered `number`; None when there is none.

        Anyone who can read the repository can open a pull request from autofix's branch into
        another base (GitHub refuses only a second one with the same head and base), so one
        found by its head alone may be a stranger's.
        """
        response = await self._gh.rest.pulls.async_list(
            self.owner, self.name, state="open", head=f"{self.owner}:{head_branch}", per_page=100
        )
        # `list` in the generated client's annotations is shadowed by its method of that name.
        for pr in cast("list[PullRequestSimple]", response.parsed_data):
            if pr.head.ref != head_branch:
                continue
            if (base is None or pr.base.ref == base) and (number is None or pr.number == number):
                return pull_info(pr)
        return None

    async def ensure_pull_request(
        self,
        *,
        head_branch: str,
        base: str,
        title: str,
        body: str,
        draft: bool = True,
        number: int | None = None,
    ) -> tuple[PullRequestInfo, bool]:
        """Open the branch's pull request, or update the open one; returns (pr, created).

        The open one is autofix's last (`number`, whatever base maintainers moved it to), else
        the one into `base`: never a stranger's from the same branch into another base.
        `body` becomes autofix's marked section of the description; on an update, text outside
        that section and the title stay as maintainers left them.
        """
        existing = None
        if number is not None:
            existing = await self.find_pull_request(head_branch, number=number)
        if existing is None:
            existing = await self.find_pull_request(head_branch, base=base)
        if existing is None:
            try:
                return await self._create_pull(head_branch, base, title, body, draft), True
            except RequestFailed as exc:
                if http_status(exc) != 422 or "already exists" not in error_message(exc):
                    raise
            existing = await self.find_pull_request(head_branch, base=base)
            if existing is None:
                raise GitHubError(
                    f"GitHub reports a pull request for {head_branch} in {self.full_name} "
                    "that autofix cannot see; close it or delete the branch, then retry"
                )
        return await self._update_pull(existing, body), False

    async def _create_pull(
        self, head: str, base: str, title: str, body: str, draft: bool
    ) -> PullRequestInfo:
        pulls = self._gh.rest.pulls
        try:
            response = await pulls.async_create(
                self.owner,
                self.name,
                head=head,
                base=base,
                title=title,
                body=fit(merge_body(None, body)),
                draft=draft,
            )
        except RequestFailed as exc:
            # Repositories on plans without draft pull requests refuse them: open a ready one.
            if not draft or http_status(exc) != 422 or "draft" not in error_message(exc).lower():
                raise
            response = await pulls.async_create(
                self.owner,
                self.name,
                head=head,
                base=base,
                title=title,
                body=fit(merge_body(None, body)),
            )
        return pull_info(response.parsed_data)

    async def _update_pull(self, pr: PullRequestInfo, body: str) -> PullRequestInfo:
        # The title is the maintainers' once the pull request is open.
        merged = merge_body(pr.body, body)
        if merged == pr.body:
            return pr
        response = await self._gh.rest.pulls.async_update(
            self.owner, self.name, pr.number, body=fit(merged)
        )
        return pull_info(response.parsed_data)

    async def get_pull_request(self, number: int) -> PullRequestInfo:
        """A pull request by number (e.g. to map a comment on autofix's PR to its branch)."""
        response = await self._gh.rest.pulls.async_get(self.owner, self.name, number)
        return pull_info(response.parsed_data)
