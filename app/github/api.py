"""`GitHubRepo`: the typed facade over one installation's access to one repository."""

from __future__ import annotations

from app.github.checks import RepoChecks
from app.github.ci_reads import RepoCiReads
from app.github.comments import RepoComments
from app.github.drafts import RepoDrafts
from app.github.pulls import RepoPulls
from app.github.threads import RepoThreads


class GitHubRepo(RepoComments, RepoChecks, RepoPulls, RepoDrafts, RepoThreads, RepoCiReads):
    """One installation's view of one repository: every GitHub call a run makes.

    Build one per job with `GitHubRepo(clients, installation_id, owner, name)`; it is cheap, and
    state that must outlive it (tokens, pacing, status comment ids) lives in `GitHubClients`.
    """
