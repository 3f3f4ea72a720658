"""Setup steps in the App never get the host's network: loopback services stay out of reach."""

from __future__ import annotations

import uuid
from pathlib import Path
from urllib.parse import urlsplit

import docker
import pytest
import redis

from app.config import RepoConfig
from app.environment import setup_network, setup_options
from app.settings import Settings
from app.testing import DockerSandboxes
from sandbox import DockerUnavailable, SetupFailed, docker_client
from sandbox.models import DEFAULT_IMAGE
from tests.sandbox.conftest import PROJECT, remove_scope
from tests.sandbox.gitrepo import commit_files

pytestmark = pytest.mark.docker

# What an attacker's setup step would send: a job pushed onto the queue the worker reads.
QUEUE_A_JOB = """python3 - <<'EOF' || true
import socket
key = "{key}"
try:
    s = socket.create_connection(("127.0.0.1", {port}), timeout=3)
    frame = "*3\\r\\n$5\\r\\nRPUSH\\r\\n$%d\\r\\n%s\\r\\n$3\\r\\njob\\r\\n"
    s.sendall((frame % (len(key), key)).encode())
    print("reached", s.recv(64))
except OSError as exc:
    print("unreachable", exc)
EOF"""


@pytest.fixture(scope="module")
def client() -> docker.DockerClient:
    try:
        found = docker_client()
    except DockerUnavailable as exc:
        pytest.skip(str(exc))
    found.api.inspect_image(DEFAULT_IMAGE)
    return found


def settings(tmp_path: Path, **values: str) -> Settings:
    return Settings(work_dir=tmp_path, **values)  # type: ignore[arg-type]


async def _queue_from_setup(
    tmp_path: Path, client: docker.DockerClient, redis_url: str, app_settings: Settings
) -> bool:
    """Run a setup step that pushes onto Redis; True if the job reached the queue."""
    key = f"arq:queue:{uuid.uuid4().hex}"
    port = urlsplit(redis_url).port
    repo = tmp_path / "repo"
    sha = commit_files(repo, PROJECT)
    config = RepoConfig.model_validate(
        {"sandbox": {"setup": [QUEUE_A_JOB.format(key=key, port=port)]}}
    )
    options = setup_options(config, app_settings, client, service=True, repository="o/r")
    scope = f"pytest-net-{uuid.uuid4().hex[:8]}"
    sandboxes = DockerSandboxes(
        repo, sha, image=config.sandbox.image, setup=config.sandbox.setup, run_id="net",
        client=client, scope=scope, options=options,
    )  # fmt: skip
    try:
        async with sandboxes("test", ()):
            pass
    finally:
        remove_scope(client, scope)
    queue = redis.Redis.from_url(redis_url)
    try:
        return bool(queue.exists(key))
    finally:
        queue.close()


async def test_app_setup_cannot_reach_redis_on_loopback(
    tmp_path: Path, client: docker.DockerClient, redis_url: str
) -> None:
    assert not await _queue_from_setup(tmp_path, client, redis_url, settings(tmp_path))


async def test_only_the_operator_can_give_setup_the_host_network(
    tmp_path: Path, client: docker.DockerClient, redis_url: str
) -> None:
    # The same step does reach Redis when the operator chooses the host's network: the
    # check above would catch a default that gave it.
    chosen = settings(tmp_path, setup_network="host")
    assert await _queue_from_setup(tmp_path, client, redis_url, chosen)


def test_default_setup_network(tmp_path: Path, client: docker.DockerClient) -> None:
    has_bridge = bool(client.api.networks(names=["bridge"]))
    app = setup_network(settings(tmp_path), client, service=True)
    assert app == ("bridge" if has_bridge else "none")
    assert setup_network(settings(tmp_path), client, service=False) == "host"
    assert setup_network(settings(tmp_path, setup_network="egress"), None, service=True) == "egress"


async def test_offline_setup_failure_names_the_setting(
    tmp_path: Path, client: docker.DockerClient
) -> None:
    repo = tmp_path / "repo"
    sha = commit_files(repo, PROJECT)
    step = "pip download --retries 0 --no-cache-dir -d /tmp/x six"
    config = RepoConfig.model_validate({"sandbox": {"setup": [step]}})
    options = setup_options(config, settings(tmp_path, setup_network="none"), client,
                            service=True, repository="o/r")  # fmt: skip
    scope = f"pytest-net-{uuid.uuid4().hex[:8]}"
    sandboxes = DockerSandboxes(
        repo, sha, image=config.sandbox.image, setup=config.sandbox.setup, run_id="net",
        client=client, scope=scope, options=options,
    )  # fmt: skip
    try:
        with pytest.raises(SetupFailed) as failed:
            async with sandboxes("test", ()):
                pass
    finally:
        remove_scope(client, scope)
    assert failed.value.offline
    assert "AUTOFIX_SETUP_NETWORK" in str(failed.value)
