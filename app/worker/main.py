"""`autofix worker`: the arq worker with its collaborators built from Settings."""

from __future__ import annotations

import logging

from arq.connections import ArqRedis

from app.github.client import GitHubClients
from app.settings import Settings
from app.store import Store, migrate
from app.telemetry.exporter import serve_metrics
from app.telemetry.logs import configure_logging
from app.telemetry.run_metrics import RunMetrics
from app.worker.adapters import GitHubRepos, RunReaper
from app.worker.deps import WorkerDeps
from app.worker.executor import EngineExecutor
from app.worker.queue_worker import DepsFactory, build_worker
from sandbox.client import docker_client
from sandbox.reaper import Reaper


def deps_factory(settings: Settings, metrics: RunMetrics | None = None) -> DepsFactory:
    """The on_startup builder of the worker's collaborators."""
    scope_prefix = settings.sandbox_scope
    metrics = metrics or RunMetrics()

    async def make(redis: ArqRedis) -> WorkerDeps:
        assert settings.database_url is not None
        migrate(settings.database_url)
        store = Store.open(settings.database_url)
        github = settings.github()
        clients = GitHubClients(github)
        # One Docker client (its connection pool) for every sandbox and the reaper.
        docker = docker_client()
        return WorkerDeps(
            redis=redis,
            store=store,
            repo_for=GitHubRepos(clients),
            executor=EngineExecutor(settings, store, scope_prefix, docker=docker, metrics=metrics),
            reaper=RunReaper(Reaper(docker), scope_prefix),
            policy=settings.policy(),
            metrics=metrics,
            public_url=settings.public_url,
            github_app_id=github.app_id,
        )

    return make


def worker_main(settings: Settings) -> int:
    """Run the worker until SIGINT/SIGTERM."""
    configure_logging(logging.INFO)
    metrics = RunMetrics()
    # Each worker serves its own /metrics (Prometheus scrapes every worker; counters add up).
    exporter = serve_metrics(metrics.registry, settings.worker_metrics)
    try:
        build_worker(settings.redis_url, deps_factory(settings, metrics)).run()
    finally:
        if exporter is not None:
            exporter.stop()
    return 0
