"""`autofix worker`: the arq worker with its collaborators built from Settings."""

from __future__ import annotations

import logging

from arq.connections import ArqRedis

from app.github.client import GitHubClients
from app.settings import Settings
from app.store import Store, migrate
from app.worker.adapters import GitHubPublisher, GitHubRepos, RunReaper
from app.worker.deps import WorkerDeps
from app.worker.executor import EngineExecutor
from app.worker.settings import DepsFactory, build_worker
from sandbox.client import docker_client
from sandbox.reaper import Reaper


def deps_factory(settings: Settings) -> DepsFactory:
    """The on_startup builder of the worker's collaborators."""
    scope_prefix = settings.sandbox_scope

    async def make(redis: ArqRedis) -> WorkerDeps:
        assert settings.database_url is not None
        migrate(settings.database_url)
        store = Store.open(settings.database_url)
        clients = GitHubClients(settings.github())
        # One Docker client (its connection pool) for every sandbox and the reaper.
        docker = docker_client()
        return WorkerDeps(
            redis=redis,
            store=store,
            repo_for=GitHubRepos(clients),
            executor=EngineExecutor(settings, store, scope_prefix, docker=docker),
            publisher=GitHubPublisher(),
            reaper=RunReaper(Reaper(docker), scope_prefix),
            policy=settings.policy(),
        )

    return make


def worker_main(settings: Settings) -> int:
    """Run the worker until SIGINT/SIGTERM."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    worker = build_worker(settings.redis_url, deps_factory(settings))
    worker.run()
    return 0
