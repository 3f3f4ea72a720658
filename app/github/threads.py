"""Review threads of a pull request, through GraphQL: only it knows whether a thread is resolved."""

from __future__ import annotations

from typing import Any

from githubkit.exception import GitHubException

from app.github.errors import GitHubError
from app.github.models import ReviewThreadInfo, ThreadCommentInfo
from app.github.reads import RepoReads

# githubkit posts this to /graphql, or to /api/graphql when the base URL ends in /api/v3 (GHES).
_THREADS_QUERY = """
query($owner: String!, $name: String!, $number: Int!) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      reviewThreads(first: 100) {
        nodes {
          isResolved
          isOutdated
          path
          line
          comments(first: 50) { nodes { body author { __typename login } } }
        }
      }
    }
  }
}
"""


def _is_bot(author: dict[str, Any] | None) -> bool:
    if author is None:
        return False
    return author.get("__typename") == "Bot" or str(author.get("login", "")).endswith("[bot]")


def _thread(node: dict[str, Any]) -> ReviewThreadInfo | None:
    if node.get("isResolved") or node.get("isOutdated"):
        return None
    comments = tuple(
        ThreadCommentInfo(author=(c.get("author") or {}).get("login") or "ghost", body=c["body"])
        for c in (node.get("comments") or {}).get("nodes") or []
        if c and not _is_bot(c.get("author")) and str(c.get("body") or "").strip()
    )
    if not comments:
        return None
    return ReviewThreadInfo(path=node["path"], line=node.get("line"), comments=comments)


class RepoThreads(RepoReads):
    """Review-thread reads of `GitHubRepo`."""

    async def list_unresolved_review_threads(self, pr_number: int) -> list[ReviewThreadInfo]:
        """The PR's threads that are neither resolved nor outdated, without bots' comments."""
        variables = {"owner": self.owner, "name": self.name, "number": pr_number}
        try:
            data = await self._gh.async_graphql(_THREADS_QUERY, variables)
        except GitHubException as exc:  # GraphQL errors, HTTP errors and timeouts alike
            raise GitHubError(
                f"GitHub could not list the review threads of {self.full_name}#{pr_number}: "
                f"{exc}; check that the pull request exists and the App can read it"
            ) from exc
        pull = ((data.get("repository") or {}).get("pullRequest")) or {}
        nodes = (pull.get("reviewThreads") or {}).get("nodes") or []
        return [t for t in (_thread(n) for n in nodes if n) if t is not None]
