"""What a sandbox is asked to be (SandboxSpec) and what running a command in it gives back."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

DEFAULT_IMAGE = "autofix-sandbox:bookworm"
TOOLCHAINS = ("node", "go", "rust", "java")
DEFAULT_MAX_PATCH_BYTES = 1024 * 1024
# A sandbox outlives its longest command by this much (kill grace, applying a patch, reading
# the report back), so its lifetime never cuts a test run short.
LIFETIME_MARGIN_S = 600
_RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")


class Limits(BaseModel):
    """Resource limits of one sandbox container."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    memory: str = "2g"
    """Memory limit in Docker's notation; swap is not granted on top."""
    cpus: float = Field(default=1.0, gt=0)
    """CPU share, in cores."""
    pids: int = Field(default=256, gt=0)
    """Maximum number of processes and threads (stops fork bombs)."""


class SandboxSpec(BaseModel):
    """Everything needed to start one sandbox for one repository at one commit."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    repo: Path
    """A git repository on the host; it is only read, never modified."""
    commit: str
    """Base commit (sha or ref) the workspace is checked out at."""
    image: str = DEFAULT_IMAGE
    """Base image: needs bash, git, tar and coreutils' timeout."""
    setup: tuple[str, ...] = ()
    """Repository setup commands, run once per environment and baked into an image."""
    setup_files: tuple[str, ...] | None = None
    """Files the setup depends on; None detects the usual manifests and lock files."""
    setup_network: str = "none"
    """Network mode while setup, toolchain installs and Dockerfile builds run; the caller
    (the operator's setting) chooses it, never the repository."""
    setup_secrets: dict[str, SecretStr] = Field(default_factory=dict)
    """Environment variables of the setup commands only (e.g. a private registry token):
    never in an image's config or layers, never in a sandbox, redacted from setup output."""
    toolchains: tuple[str, ...] = ()
    """Debian toolchains (node, go, rust, java) installed in a cached layer under setup."""
    dockerfile: str | None = None
    """A Dockerfile in the repository that builds the environment instead of `image`."""
    allowed_bases: tuple[str, ...] = ()
    """Images a repository Dockerfile may start FROM; empty allows only `image`."""
    identity: str | None = None
    """Who the repository is (e.g. host/owner/name): environment images are never shared
    between identities. None uses the repository's path on the host."""
    setup_timeout_s: float = Field(default=900, gt=0)
    """Wall-clock limit for each setup command."""
    hidden_paths: tuple[str, ...] = ()
    """Paths absent from the workspace and from its git history (e.g. holdout tests)."""
    network: str = "none"
    """Network mode of the sandbox itself."""
    limits: Limits = Field(default_factory=Limits)
    run_id: str = "adhoc"
    """The run this sandbox belongs to; the reaper removes sandboxes of runs no longer live."""
    ttl_s: int = Field(default=3600, gt=0)
    """Lifetime: the container stops itself after this and the reaper may remove it."""
    labels: dict[str, str] = Field(default_factory=dict)
    """Extra labels for the container and its volume."""
    scope: str | None = None
    """Optional label value `autofix.scope`, so a reaper can be confined to its own sandboxes."""
    env: dict[str, str] = Field(default_factory=dict)
    """Environment for commands; nothing from the host environment is ever passed."""
    workspace_tmpfs: str | None = "4g"
    """Size cap of a RAM-backed workspace volume (fast to fill and drop; its pages count
    against the memory limit); None keeps the workspace volume on disk."""
    output_cap_bytes: int = Field(default=30_000, gt=0)
    """Output kept per command (head and tail); the middle is cut with a marker."""
    exec_timeout_s: float = Field(default=600, gt=0)
    """Default wall-clock limit of one command (the longest any command is given)."""
    tmp_size: str = "1g"
    """Size cap of `/tmp`, a RAM-backed tmpfs (its pages count against the memory limit)."""
    layer_size: str | None = "8g"
    """Cap on the container's writable layer, where the storage driver supports one (else
    the sandbox records why not); None asks for no cap."""
    max_patch_bytes: int = Field(default=DEFAULT_MAX_PATCH_BYTES, ge=1024)
    """Largest diff `diff()` hands out; a larger one is refused inside the sandbox."""

    @model_validator(mode="after")
    def _outlives_its_commands(self) -> SandboxSpec:
        # A sandbox that stops before its longest command would end a test run half-way.
        floor = int(self.exec_timeout_s) + LIFETIME_MARGIN_S
        if self.ttl_s < floor:
            object.__setattr__(self, "ttl_s", floor)
        return self

    @field_validator("run_id")
    @classmethod
    def _run_id_is_a_name(cls, value: str) -> str:
        if not _RUN_ID.match(value):
            raise ValueError("run_id must be letters, digits, '_', '.', '-' (max 128)")
        return value

    @field_validator("toolchains")
    @classmethod
    def _known_toolchains(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(value) - set(TOOLCHAINS))
        if unknown:
            raise ValueError(f"unknown toolchains {unknown}; choose from {list(TOOLCHAINS)}")
        return tuple(sorted(set(value)))

    @field_validator("setup_secrets")
    @classmethod
    def _secret_names(cls, value: dict[str, SecretStr]) -> dict[str, SecretStr]:
        for name, secret in value.items():
            if not re.fullmatch(r"[A-Z][A-Z0-9_]{0,63}", name):
                raise ValueError(f"setup secret name {name!r} must be A-Z, 0-9 and '_'")
            if len(secret.get_secret_value()) < 8:
                # Shorter values cannot be told apart from ordinary text when scanning.
                raise ValueError(f"setup secret {name} is shorter than 8 characters")
        return value

    @field_validator("hidden_paths")
    @classmethod
    def _hidden_paths_are_relative(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = []
        for path in value:
            parts = [p for p in path.strip("/").split("/") if p not in ("", ".")]
            if not parts or ".." in parts:
                raise ValueError(f"hidden path {path!r} must be inside the repository")
            cleaned.append("/".join(parts))
        return tuple(cleaned)


class ExecResult(BaseModel):
    """The outcome of one command run in a sandbox."""

    model_config = ConfigDict(frozen=True)

    exit_code: int
    output: str
    """stdout and stderr merged, head and tail kept when longer than the cap."""
    truncated_bytes: int = 0
    timed_out: bool = False
    duration_s: float = 0.0

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.timed_out
