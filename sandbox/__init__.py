"""Where untrusted code runs: Docker sandboxes. Knows nothing of GitHub or LLMs."""

from sandbox.client import docker_client
from sandbox.container import DockerSandbox
from sandbox.errors import (
    CommitNotFound,
    DockerUnavailable,
    ImageError,
    SandboxError,
    SetupFailed,
)
from sandbox.images import Environments
from sandbox.models import ExecResult, Limits, SandboxSpec
from sandbox.pool import Lease, SandboxPool
from sandbox.reaper import Reaped, Reaper
from sandbox.snapshot import DEFAULT_SETUP_FILES

__all__ = [
    "DEFAULT_SETUP_FILES",
    "CommitNotFound",
    "DockerSandbox",
    "DockerUnavailable",
    "Environments",
    "ExecResult",
    "ImageError",
    "Lease",
    "Limits",
    "Reaped",
    "Reaper",
    "SandboxError",
    "SandboxPool",
    "SandboxSpec",
    "SetupFailed",
    "docker_client",
]
