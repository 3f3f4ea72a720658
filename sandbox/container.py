"""DockerSandbox: one hardened container with the repository at its base commit in /workspace."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from types import TracebackType
from typing import Any

import docker
import docker.errors
from docker.types import LogConfig, Mount

from sandbox import labels as L
from sandbox.builder import WORKSPACE, WORKSPACE_TAR
from sandbox.client import blocking, docker_client
from sandbox.errors import SandboxError
from sandbox.execution import Capture, ExecHung, close_hijacked, read_frames, run_exec
from sandbox.hosts import HOSTNAME, write_hosts
from sandbox.images import Environments, Prepared
from sandbox.layer import LAYER_LABEL, LayerLimit
from sandbox.models import ExecResult, SandboxSpec
from sandbox.observer import SandboxObserver
from sandbox.workspace import WorkspaceFiles, safe_relative

AGENT = "1000:1000"
KILL_GRACE_S = 5  # timeout -k: SIGKILL this long after SIGTERM
OUTER_GRACE_S = 15  # then the engine has this long before the container is destroyed

READY = b"autofix-sandbox-ready"
REAPED = b"autofix-sandbox-reaped"
# Unpack the workspace, say so, then idle until the lifetime is over (the container then
# stops by itself). On SIGUSR1 this resident shell, which needs no fork to do it, kills
# every other process of the agent: the way to stop a timed-out command for good, even a
# fork bomb that has used up the pids limit.
BOOT = f"""tar -xf {WORKSPACE_TAR} -C {WORKSPACE} || exit 70
end=$((EPOCHSECONDS + $1))
trap 'kill -KILL -1 2>/dev/null; kill -KILL -1 2>/dev/null; echo {REAPED.decode()}' USR1
echo {READY.decode()}
while [ "$EPOCHSECONDS" -lt "$end" ]; do
  (exec -a autofix-sandbox-idle sleep $((end - EPOCHSECONDS))) & wait $!
done
"""
# Sandboxes given no cache of their own share this one: one per process, like the Docker engine.
_default_environments = Environments()


class DockerSandbox(WorkspaceFiles):
    """A sandbox container; use `async with`, which always removes it and its volume."""

    def __init__(
        self,
        spec: SandboxSpec,
        client: docker.DockerClient | None = None,
        *,
        environments: Environments | None = None,
        observer: SandboxObserver | None = None,
    ) -> None:
        self.spec = spec
        self._observer = observer
        self._ready_at: float | None = None
        self._client = client
        self._environments = environments or _default_environments
        self._container_id: str | None = None
        self._volume: str | None = None
        self._prepared: Prepared | None = None
        self._closed = False
        self._boot: Any = None  # the boot shell's output stream, kept open while we run
        self._creating: asyncio.Future[None] | None = None

    @property
    def container_id(self) -> str:
        if self._container_id is None:
            raise SandboxError("the sandbox is not started; use `async with DockerSandbox(...)`")
        return self._container_id

    @property
    def max_patch_bytes(self) -> int:
        return self.spec.max_patch_bytes

    @property
    def base_sha(self) -> str:
        """The single commit the workspace started from."""
        if self._prepared is None:
            raise SandboxError("the sandbox is not started")
        return self._prepared.base_sha

    async def __aenter__(self) -> DockerSandbox:
        try:
            await self.start()
        except BaseException:
            await self.close()
            raise
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:  # fmt: skip
        await self.close()

    @property
    def client(self) -> docker.DockerClient:
        if self._client is None:
            raise SandboxError("no Docker client yet")
        return self._client

    async def start(self) -> None:
        """Create and start the container and unpack the workspace into its volume."""
        asked = time.monotonic()
        if self._client is None:
            self._client = await blocking(docker_client)
        self._prepared = await self._environments.prepare(self._client, self.spec)
        try:
            await self._create_shielded(self._prepared.image_id)
        except docker.errors.ImageNotFound:
            # The cached image was removed behind our back: rebuild once.
            await blocking(self._remove)  # the volume made for the first try
            self._container_id = self._volume = None
            self._environments.forget(self.spec)
            self._prepared = await self._environments.prepare(self._client, self.spec)
            await self._create_shielded(self._prepared.image_id)
        self._ready_at = time.monotonic()
        if self._observer is not None:
            self._observer.started(self.spec, self._ready_at - asked)

    async def _create_shielded(self, image_id: str) -> None:
        # The worker thread cannot be cancelled; close() waits for it, or a container
        # created after a cancelled start would outlive its sandbox.
        self._creating = asyncio.ensure_future(blocking(self._create, image_id))
        await asyncio.shield(self._creating)

    def _create(self, image_id: str) -> None:
        spec, api = self.spec, self.client.api
        name = f"autofix-{spec.run_id}-{secrets.token_hex(4)}"
        labels = L.lifecycle(spec.run_id, spec.ttl_s, spec.scope, "sandbox", spec.labels)
        if spec.workspace_tmpfs:
            # Creating thousands of files is cheap in RAM and slow on many disks.
            options = f"size={spec.workspace_tmpfs},uid=1000,gid=1000,mode=0755,nosuid,nodev"
            opts = {"type": "tmpfs", "device": "tmpfs", "o": options}
            volume = api.create_volume(f"{name}-ws", driver_opts=opts, labels=labels)
        else:
            volume = api.create_volume(f"{name}-ws", labels=labels)
        self._volume = str(volume["Name"])
        layer = LayerLimit(str(api.base_url), spec.layer_size)
        self._container_id = layer.create(
            lambda: self._create_container(image_id, name, labels, layer)
        )
        if spec.network == "none":  # networking disabled: the engine wrote no hosts file
            write_hosts(api, self._container_id)
        # Attach before start, as `docker run` does, to hear the boot script say it is ready:
        # one connection instead of a separate exec to unpack the workspace.
        params = {"stdout": 1, "stderr": 1, "stream": 1}
        self._boot = api.attach_socket(self._container_id, params=params)
        api.start(self._container_id)
        out = Capture(8000)
        if not read_frames(self._boot, out, None, 120, until=READY):
            raise SandboxError(f"the sandbox did not start: {out.text().strip()}")

    def _create_container(
        self, image_id: str, name: str, labels: dict[str, str], layer: LayerLimit
    ) -> str:
        spec, api = self.spec, self.client.api
        host_config = api.create_host_config(
            network_mode=spec.network,
            cap_drop=["ALL"],
            security_opt=["no-new-privileges"],
            mem_limit=spec.limits.memory,
            memswap_limit=spec.limits.memory,
            nano_cpus=int(spec.limits.cpus * 1e9),
            pids_limit=spec.limits.pids,
            init=True,
            log_config=LogConfig(type="none"),
            # Docker's copy-up only brings the image's empty, agent-owned /workspace over.
            mounts=[
                Mount(WORKSPACE, self._volume, type="volume", no_copy=bool(spec.workspace_tmpfs))
            ],
            # `exec`: toolchains build and run test binaries under /tmp (Docker defaults to noexec).
            tmpfs={"/tmp": f"rw,exec,nosuid,nodev,size={spec.tmp_size},mode=1777"},
            storage_opt=layer.storage_opt(),
        )
        return str(
            api.create_container(
                image_id,
                ["bash", "-c", BOOT, "autofix-boot", str(spec.ttl_s)],
                name=name,
                user=AGENT,
                working_dir=WORKSPACE,
                hostname=HOSTNAME,
                environment=dict(spec.env),
                labels={**labels, LAYER_LABEL: layer.label()},
                host_config=host_config,
                # With networking disabled runc gives the container a fresh namespace holding
                # only loopback, as network "none" does, minus the engine's libnetwork setup and
                # the prestart hook it execs per container (about half of a start's cost).
                network_disabled=spec.network == "none",
            )["Id"]
        )

    def _kill_strays(self) -> None:
        """Have the resident shell kill every agent process, and wait until it has."""
        if self._boot is None:
            return
        self.client.api.kill(self.container_id, signal="SIGUSR1")
        if not read_frames(self._boot, Capture(8000), None, 30, until=REAPED):
            raise SandboxError("the sandbox did not confirm that the timed-out command ended")

    async def close(self) -> None:
        """Remove the container and its workspace volume; safe to call more than once."""
        if self._closed:
            return
        self._closed = True
        if self._creating is not None and not self._creating.done():
            await asyncio.wait([self._creating])
        if self._client is not None and (self._container_id or self._volume):
            await asyncio.shield(blocking(self._remove))
        if self._observer is not None and self._ready_at is not None:
            self._observer.closed(self.spec, time.monotonic() - self._ready_at)

    def _remove(self) -> None:
        api = self.client.api
        if self._boot is not None:
            close_hijacked(self._boot)
            self._boot = None
        for fn, arg, kwargs in (
            (api.remove_container, self._container_id, {"force": True, "v": True}),
            (api.remove_volume, self._volume, {"force": True}),
        ):
            if arg is None:
                continue
            with contextlib.suppress(docker.errors.NotFound):
                fn(arg, **kwargs)

    async def _run(
        self, argv: list[str], out: Capture, err: Capture | None, deadline_s: float,
        *, user: str = AGENT, env: dict[str, str] | None = None, workdir: str = WORKSPACE,
    ) -> int:  # fmt: skip
        """Run argv; if it does not come back by the deadline, destroy the container."""
        if self._closed:
            raise SandboxError("the sandbox is closed")
        call = blocking(
            run_exec, self.client.api, self.container_id, argv, user=user, workdir=workdir,
            env={**self.spec.env, **(env or {})}, out=out, err=err, deadline_s=deadline_s,
        )  # fmt: skip
        try:
            return await asyncio.wait_for(call, deadline_s + 5)
        except (TimeoutError, ExecHung) as exc:
            # Last resort: nothing inside answered, so nothing inside may keep running.
            await self.close()
            raise ExecHung(
                f"command did not finish within {deadline_s:.0f}s; sandbox destroyed"
            ) from exc

    # The limit is enforced inside the container (coreutils timeout), hence the parameter.
    async def exec(
        self,
        command: str,
        timeout: float | None = None,  # noqa: ASYNC109
        *,
        workdir: str | None = None,
        env: dict[str, str] | None = None,
    ) -> ExecResult:
        """Run `bash -lc command` in /workspace as the agent user; output merged and capped."""
        limit = timeout if timeout is not None else self.spec.exec_timeout_s
        # One pipe for both streams keeps their lines in the order they were written.
        merged = ["bash", "-c", 'exec 2>&1; exec bash -lc "$1"', "sandbox", command]
        argv = ["timeout", "-k", str(KILL_GRACE_S), f"{limit:g}s", *merged]
        cwd = WORKSPACE if workdir is None else f"{WORKSPACE}/{safe_relative(workdir)}"
        out = Capture(self.spec.output_cap_bytes)
        started = time.monotonic()
        try:
            code = await self._run(
                argv, out, None, limit + KILL_GRACE_S + OUTER_GRACE_S, env=env, workdir=cwd
            )
        except ExecHung:
            code = 137
        elapsed = time.monotonic() - started
        timed_out = (code in (124, 137) and elapsed >= limit) or self._closed
        if timed_out and not self._closed:
            # Children that escaped the signal to the command's process group must not
            # live on into the next command.
            await blocking(self._kill_strays)
        return ExecResult(
            exit_code=code,
            output=out.text(),
            truncated_bytes=out.truncated,
            timed_out=timed_out,
            duration_s=elapsed,
        )
