"""Turning a draft pull request into one ready for review: only GraphQL can do it."""

from __future__ import annotations

import logging

from githubkit.exception import GraphQLFailed, RequestFailed

from app.github.convert import pull_info
from app.github.errors import error_message, http_status
from app.github.reads import RepoReads

log = logging.getLogger(__name__)

# githubkit posts this to /graphql, or to /api/graphql when the base URL ends in /api/v3 (GHES).
_READY_MUTATION = """
mutation($id: ID!) {
  markPullRequestReadyForReview(input: {pullRequestId: $id}) {
    pullRequest { isDraft }
  }
}
"""

# What GitHub answers when the App may not, or the pull request cannot, change.
_REFUSALS = (403, 404, 410, 422)


class RepoDrafts(RepoReads):
    """Draft-state changes of `GitHubRepo`."""

    async def mark_ready_for_review(self, number: int) -> bool:
        """Take pull request `number` out of draft; False (logged) when GitHub refuses."""
        where = f"{self.full_name}#{number}"
        try:
            response = await self._gh.rest.pulls.async_get(self.owner, self.name, number)
        except RequestFailed as exc:
            if http_status(exc) not in _REFUSALS:
                raise
            log.warning("cannot read %s to mark it ready: %s", where, error_message(exc))
            return False
        pr = pull_info(response.parsed_data)
        if not pr.draft:
            return True
        if not pr.node_id:
            log.warning("GitHub gave no node id for %s; it stays a draft", where)
            return False
        try:
            data = await self._gh.async_graphql(_READY_MUTATION, {"id": pr.node_id})
        except GraphQLFailed as exc:
            reasons = "; ".join(
                f"{e.type or 'ERROR'}: {e.message}" for e in exc.response.errors or []
            )
            log.warning("GitHub refused to mark %s ready for review: %s", where, reasons)
            return False
        except RequestFailed as exc:
            if http_status(exc) not in _REFUSALS:
                raise
            log.warning("GitHub refused to mark %s ready for review: %s", where, error_message(exc))
            return False
        result = (data.get("markPullRequestReadyForReview") or {}).get("pullRequest") or {}
        if result.get("isDraft") is False:
            return True
        log.warning("%s is still a draft after marking it ready for review", where)
        return False
