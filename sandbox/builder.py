"""Building environment and workspace images in a throwaway root container (blocking calls)."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from typing import Any

import docker
import docker.errors

from sandbox import labels as L
from sandbox.errors import ImageError, SandboxError, SetupFailed
from sandbox.execution import Capture, run_exec
from sandbox.layer import LAYER_LABEL, LayerLimit
from sandbox.models import Limits
from sandbox.setup_secrets import SecretLeaked, find_leaks, redact
from sandbox.snapshot import Snapshot

WORKSPACE = "/workspace"
WORKSPACE_TAR = "/opt/autofix/workspace.tar"
BUILD_HINT = "build it with deploy/sandbox/build-base.sh"
# Root in the build container may install packages, but not administer the host kernel.
SETUP_CAPS = ["CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "SETUID", "SETGID", "KILL"]
SETUP_ENV = {
    "HOME": "/root",
    "DEBIAN_FRONTEND": "noninteractive",
    "PIP_BREAK_SYSTEM_PACKAGES": "1",
    "PIP_ROOT_USER_ACTION": "ignore",
    "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    "PIP_NO_CACHE_DIR": "1",
}
PROBE = (
    "mkdir -p /workspace /opt/autofix; missing=;"
    " for tool in bash git tar timeout realpath; do"
    ' command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"; done;'
    ' if [ -n "$missing" ]; then echo "missing:$missing"; exit 3; fi'
)
# Drop the previous tree's tracked files but keep what setup generated (e.g. egg-info).
SWAP = f"""set -e
cd {WORKSPACE}
tar -xf {WORKSPACE_TAR} -C {WORKSPACE}
git -c safe.directory='*' ls-files -z | xargs -0 -r rm -f --
rm -rf .git
"""
# Setup output stays out of diffs; the tree moves into a tar the sandbox unpacks at start,
# because Docker's copy-up of a big directory into a fresh volume is slow.
FINALIZE = f"""set -e
cd {WORKSPACE}
git -c safe.directory='*' ls-files --others --exclude-standard --directory -z \\
  | while IFS= read -r -d '' path; do printf '/%s\\n' "$path"; done >> .git/info/exclude
printf '%s\\n' '__pycache__/' '*.py[co]' >> .git/info/exclude
chown -R 1000:1000 {WORKSPACE}
tar --numeric-owner --owner=1000 --group=1000 -cf {WORKSPACE_TAR} -C {WORKSPACE} .
find {WORKSPACE} -mindepth 1 -delete
"""


@dataclass(frozen=True)
class BuildPlan:
    """One image to build: a tree on top of a parent image, and setup commands to run there."""

    image_name: str  # the user's base image, for messages
    parent_id: str
    repository: str
    tag: str
    snapshot: Snapshot | None  # None: a layer without the repository (e.g. toolchains)
    swap: bool  # the parent already holds an older tree
    commands: tuple[str, ...] = ()
    network: str = "none"
    secrets: dict[str, str] = field(default_factory=dict, repr=False)
    """Extra environment of the setup commands only; their values never reach the image."""
    timeout_s: float = 900
    limits: Limits = field(default_factory=Limits)
    run_id: str = "build"
    image_labels: dict[str, str] = field(default_factory=dict)
    layer_size: str | None = "20g"
    """Cap on what setup may write, where the storage driver supports one."""


def _root_exec(api: docker.APIClient, cid: str, script: str, what: str) -> None:
    out = Capture(8000)
    code = run_exec(
        api, cid, ["bash", "-c", script], user="0:0", workdir="/", env={}, out=out, deadline_s=600
    )
    if code != 0:
        raise SandboxError(f"preparing the workspace image failed while {what}: {out.text()}")


def _run_setup(api: docker.APIClient, cid: str, plan: BuildPlan) -> None:
    env = {**SETUP_ENV, **plan.secrets}
    for command in plan.commands:
        # The streams are kept apart: merged as they arrive, one stream's output can land in
        # the middle of a secret printed on the other, and neither half would be redacted.
        out, err = Capture(10_000), Capture(6_000)
        argv = ["timeout", "-k", "5", f"{plan.timeout_s:g}s", "bash", "-lc", command]
        code = run_exec(
            api, cid, argv, user="0:0", workdir=WORKSPACE, env=env, out=out, err=err,
            deadline_s=plan.timeout_s + 60,
        )  # fmt: skip
        if code != 0:
            raise SetupFailed(
                command, code, _streams(redact(out, plan.secrets), redact(err, plan.secrets)),
                timed_out=code in (124, 137), network=plan.network,
            )  # fmt: skip


def _streams(stdout: str, stderr: str) -> str:
    if not stderr.strip():
        return stdout
    if not stdout.strip():
        return stderr
    return f"{stdout.rstrip()}\n--- stderr ---\n{stderr}"


def _image_path(config: dict[str, Any]) -> str | None:
    env = [e for e in config.get("Env") or [] if e.startswith("PATH=")]
    return env[0].removeprefix("PATH=") if env else None


def keep_path(path: str) -> str:
    """A root script that makes login shells (`bash -lc`, how every command runs) keep the
    image's PATH, which /etc/profile would otherwise reset (toolchains under /usr/local/go/bin,
    a Dockerfile's ENV PATH=...)."""
    line = shlex.quote(f"export PATH={shlex.quote(path)}")
    target = "/etc/profile.d/00-autofix-path.sh"
    return (
        f'mkdir -p /etc/profile.d; [ "$(cat {target} 2>/dev/null)" = {line} ] '
        f"|| printf '%s\\n' {line} > {target}"
    )


def create_build_container(
    api: docker.APIClient,
    parent_id: str,
    network: str,
    limits: Limits,
    run_id: str,
    ttl: float,
    layer: LayerLimit,
) -> str:
    """A stopped root container of parent_id for building: few capabilities, no new
    privileges, a sandbox's memory, CPU and process limits, the writable-layer cap where the
    storage driver has one; it sleeps ttl once started. Call it through `layer.create`."""
    host_config = api.create_host_config(
        network_mode=network,
        cap_drop=["ALL"],
        cap_add=SETUP_CAPS,
        security_opt=["no-new-privileges"],
        mem_limit=limits.memory,
        memswap_limit=limits.memory,
        nano_cpus=int(limits.cpus * 1e9),
        pids_limit=max(limits.pids, 1024),
        init=True,
        storage_opt=layer.storage_opt(),
    )
    labels = {**L.lifecycle(run_id, ttl, None, "build"), LAYER_LABEL: layer.label()}
    return str(
        api.create_container(
            parent_id,
            ["sleep", f"{ttl:.0f}"],
            user="0:0",
            working_dir="/",
            labels=labels,
            host_config=host_config,
        )["Id"]
    )


def build_image(client: docker.DockerClient, plan: BuildPlan) -> str:
    """Build the image the plan describes and return its id; the build container is removed."""
    api = client.api
    base_config = api.inspect_image(plan.parent_id)["Config"] or {}
    layer = LayerLimit(str(api.base_url), plan.layer_size)
    ttl = len(plan.commands) * (plan.timeout_s + 60) + 900
    cid = layer.create(
        lambda: create_build_container(
            api, plan.parent_id, plan.network, plan.limits, plan.run_id, ttl, layer
        )
    )
    try:
        try:
            api.start(cid)
            probe = Capture(2000)
            code = run_exec(
                api, cid, ["sh", "-c", PROBE], user="0:0", workdir="/", env={}, out=probe,
                deadline_s=60,
            )  # fmt: skip
        except docker.errors.APIError as exc:
            raise ImageError(
                f"sandbox image {plan.image_name} cannot run a shell ({exc.explanation}); "
                f"use an image with sh, bash and git, e.g. {BUILD_HINT}"
            ) from exc
        if code != 0:
            raise ImageError(
                f"sandbox image {plan.image_name} lacks tools autofix needs "
                f"({probe.text().strip() or 'no shell'}); add them or {BUILD_HINT}"
            )
        if plan.swap:
            _root_exec(api, cid, SWAP, "removing the previous tree")
        if path := _image_path(base_config):
            _root_exec(api, cid, keep_path(path), "keeping the image's PATH")
        if plan.snapshot is not None:
            api.put_archive(cid, WORKSPACE, plan.snapshot.tarball)
        _run_setup(api, cid, plan)
        if plan.secrets and (leaks := find_leaks(api, cid, plan.secrets)):
            raise SecretLeaked(leaks)
        if plan.snapshot is not None:
            _root_exec(api, cid, FINALIZE, "packing the workspace")
        # Blank the build container's lifecycle labels so containers of this image
        # inherit nothing misleading; the image carries its own labels.
        image_labels = {L.MANAGED: "", L.RUN_ID: "", L.EXPIRES_AT: "", L.KIND: ""}
        image_labels.update(plan.image_labels)
        conf = {
            "User": base_config.get("User") or "",
            "Cmd": base_config.get("Cmd"),
            "WorkingDir": WORKSPACE,
            "Labels": image_labels,
        }
        return str(api.commit(cid, repository=plan.repository, tag=plan.tag, conf=conf)["Id"])
    finally:
        api.remove_container(cid, force=True, v=True)
