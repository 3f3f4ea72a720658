"""The worker's ports bound to the real GitHub client and sandbox reaper."""

from __future__ import annotations

from app.github.api import GitHubRepo
from app.github.client import GitHubClients
from app.worker.ports import RepoApi
from sandbox.reaper import Reaper


def run_scope(prefix: str, run_id: str) -> str:
    """The sandbox scope label of one run: reaping a run removes exactly its scope."""
    return f"{prefix}-run-{run_id}"


class GitHubRepos:
    """Builds the facade for a repository, looking the installation up when a payload lacked it."""

    def __init__(self, clients: GitHubClients) -> None:
        self.clients = clients

    async def __call__(self, owner: str, name: str, installation_id: int | None) -> RepoApi:
        if installation_id is None:
            installation_id = await self.clients.installation_for_repo(owner, name)
        return GitHubRepo(self.clients, installation_id, owner, name)


class RunReaper:
    """Removes one run's containers and volumes (everything in its sandbox scope)."""

    def __init__(self, reaper: Reaper, prefix: str) -> None:
        self.reaper = reaper
        self.prefix = prefix

    async def reap(self, run_id: str) -> int:
        gone = await self.reaper.reap(live_run_ids=(), scope=run_scope(self.prefix, run_id))
        return len(gone.containers)

    async def sweep(self) -> int:
        # Any run of this deployment: expired sandboxes, and workspace volumes whose
        # container was removed from outside; never another deployment's.
        gone = await self.reaper.reap(scope_prefix=self.prefix)
        return len(gone.containers) + len(gone.volumes)

    async def prune_images(self) -> int:
        # Every scope: images are shared by runs; their scope label only names the first user.
        return len(await self.reaper.prune_images())
