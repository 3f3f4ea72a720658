"""The sandbox image with every toolchain, built on first need; tests skip only if it cannot be."""

from __future__ import annotations

import fcntl
import subprocess
from pathlib import Path

import docker
import docker.errors

from sandbox import DockerUnavailable, docker_client

POLYGLOT_IMAGE = "autofix-sandbox:polyglot"
TOOLCHAINS = "node,go,rust,java"
ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "deploy" / "sandbox" / "build-base.sh"
LOCK = Path("/tmp/autofix-locks/polyglot-build.lock")


def _present(client: docker.DockerClient) -> bool:
    try:
        client.api.inspect_image(POLYGLOT_IMAGE)
    except docker.errors.ImageNotFound:
        return False
    return True


def ensure_polyglot_image() -> str | None:
    """None when the image is there (built now if need be), else why it cannot be built."""
    try:
        client = docker_client()
    except DockerUnavailable as exc:
        return str(exc)
    try:
        if _present(client):
            return None
        LOCK.parent.mkdir(parents=True, exist_ok=True)
        with LOCK.open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another session may be building it right now
            if _present(client):
                return None
            done = subprocess.run(
                [str(BUILD), POLYGLOT_IMAGE, "--toolchains", TOOLCHAINS],
                capture_output=True, text=True, timeout=1800, check=False,
            )  # fmt: skip
        if done.returncode != 0 or not _present(client):
            output = (done.stderr or done.stdout).strip()[-600:]
            return (
                f"{POLYGLOT_IMAGE} could not be built ({output}); build it with "
                f"deploy/sandbox/build-base.sh {POLYGLOT_IMAGE} --toolchains {TOOLCHAINS}"
            )
        return None
    finally:
        client.close()
