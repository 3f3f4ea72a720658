"""What toolchain layers cost a sandbox start once cached. Prints one JSON object.

Two environments of one small repository: the base image with setup, and the same with
`toolchains: [go]` (installed from Debian into a cached layer under setup). Each is built
once (`*_build_s`, the one-off cost; the toolchain layer may already be on the engine from an
earlier run), then sandboxes of both are started alternately, each until its first command
has answered, and removed. `extra_warm_s` is the median difference: the wall time toolchain
layers add to a cached environment start (target: none).

Run: bin/bench environments [SAMPLES]
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import docker

from sandbox import DockerSandbox, Environments, SandboxSpec, docker_client

SAMPLES = int(sys.argv[1]) if len(sys.argv) > 1 else 15
SETUP = "pip install --no-build-isolation --no-deps -e ."
FILES = {
    "pyproject.toml": '[project]\nname = "bench"\nversion = "0.1.0"\n\n'
    '[tool.setuptools]\npackages = ["bench"]\n',
    "bench/__init__.py": "",
    "go.mod": "module example.com/bench\n\ngo 1.19\n",
    "main.go": "package main\n\nfunc main() {}\n",
}


def make_repo(root: Path) -> tuple[Path, str]:
    import subprocess

    repo = root / "bench"
    for name, text in FILES.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@x", "GIT_COMMITTER_NAME": "b",
        "GIT_COMMITTER_EMAIL": "b@x",
    }  # fmt: skip
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "bench"]):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True)
    sha = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, env=env, check=True, capture_output=True, text=True
    ).stdout.strip()
    return repo, sha


async def start(spec: SandboxSpec, client: docker.DockerClient, envs: Environments) -> float:
    """Seconds until a sandbox of `spec` has answered its first command."""
    began = time.perf_counter()
    async with DockerSandbox(spec, client, environments=envs) as sandbox:
        result = await sandbox.exec("go version >/dev/null 2>&1; true")
        took = time.perf_counter() - began
    assert result.ok, result.output
    return took


async def main() -> dict[str, object]:
    client = docker_client()
    scope = f"bench-{uuid.uuid4().hex[:8]}"
    envs = Environments()
    with tempfile.TemporaryDirectory() as tmp:
        repo, sha = make_repo(Path(tmp))
        nonce = f"  # {scope}"  # this run's environments are its own
        plain = SandboxSpec(
            repo=repo, commit=sha, setup=(SETUP + nonce,), run_id=scope, scope=scope,
            setup_network="host",
        )  # fmt: skip
        tooled = plain.model_copy(update={"toolchains": ("go",)})
        try:
            began = time.perf_counter()
            await start(plain, client, envs)
            plain_build = time.perf_counter() - began
            began = time.perf_counter()
            await start(tooled, client, envs)
            tooled_build = time.perf_counter() - began
            pairs = []
            for _ in range(SAMPLES):
                pairs.append((await start(plain, client, envs), await start(tooled, client, envs)))
        finally:
            for image in client.images.list(filters={"label": f"autofix.image.scope={scope}"}):
                if image.labels.get("autofix.image.kind") != "toolchains":
                    client.images.remove(image.id, force=True)
    without = statistics.median(a for a, _ in pairs)
    with_layers = statistics.median(b for _, b in pairs)
    return {
        "samples": SAMPLES,
        "toolchains": list(tooled.toolchains),
        "plain_build_s": round(plain_build, 3),
        "toolchain_build_s": round(tooled_build, 3),
        "toolchain_layers_built": envs.layer_builds,
        "warm_p50_without_s": round(without, 3),
        "warm_p50_with_toolchains_s": round(with_layers, 3),
        "extra_warm_s": round(statistics.median(b - a for a, b in pairs), 3),
        "warm_ratio": round(with_layers / without, 3),
        "load_avg_1m": round(os.getloadavg()[0], 2),  # the box is shared; read numbers with it
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main())))
