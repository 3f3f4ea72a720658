"""Reaching the Docker engine, and running its blocking calls off the event loop."""

from __future__ import annotations

import asyncio
import functools
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import docker
import docker.errors

from sandbox.errors import DockerUnavailable

T = TypeVar("T")

START_HINT = (
    "start the Docker engine (`systemctl start docker`, or run `dockerd` as root) "
    "and check that this user may use its socket (DOCKER_HOST or /var/run/docker.sock)"
)

# A dedicated pool: long-running exec streams must not starve asyncio's default executor,
# which the rest of the process shares (its size is only cpu_count + 4).
_POOL = ThreadPoolExecutor(max_workers=64, thread_name_prefix="autofix-docker")


async def blocking(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a blocking Docker or subprocess call in a worker thread."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_POOL, functools.partial(fn, *args, **kwargs))


def docker_client(base_url: str | None = None, *, timeout: int = 120) -> docker.DockerClient:
    """Connect to the Docker engine (DOCKER_HOST or the default socket) and check it answers."""
    where = base_url or os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"
    if where.startswith("unix://") and not Path(where.removeprefix("unix://")).exists():
        # Checked up front: docker-py leaks the socket of a failed unix connect.
        raise DockerUnavailable(
            f"Docker engine not reachable: {where} does not exist; {START_HINT}"
        )
    client: docker.DockerClient | None = None
    try:
        if base_url is None:
            client = docker.DockerClient.from_env(
                use_context=False, timeout=timeout, max_pool_size=64
            )
        else:
            client = docker.DockerClient(base_url=base_url, timeout=timeout, max_pool_size=64)
        client.ping()
    # requests' connection errors are OSErrors; docker-py does not wrap them.
    except (docker.errors.DockerException, OSError) as exc:
        if client is not None:
            client.close()
        raise DockerUnavailable(
            f"Docker engine not reachable at {where} ({exc}); {START_HINT}"
        ) from exc
    return client
