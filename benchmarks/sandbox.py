"""Sandbox start-up: naive per-rollout setup vs. cached environment images. Prints one JSON object.

parallel8_s: 8 sandboxes at once, each started, running one command and removed (no pool).
parallel8_ready_s: the same 8, until all of them are ready for commands (no pool).
pool_*: the same through a SandboxPool of 8: `warm` once it has filled, `cold` right after it
was created (nothing pre-started yet). Ratios are against warm_p50_s, a single start
without a pool.

Run: uv run python benchmarks/sandbox.py
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import uuid
from pathlib import Path

# Run as a script, this file's folder heads sys.path and its name would shadow the package.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import docker  # noqa: E402

from sandbox import (  # noqa: E402
    DockerSandbox,
    Environments,
    SandboxPool,
    SandboxSpec,
    docker_client,
)
from sandbox.models import DEFAULT_IMAGE  # noqa: E402

FILES = 3000
SETUP = "pip install --no-build-isolation --no-deps -e ."
PYPROJECT = """[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "synth"
version = "0.1.0"

[tool.setuptools.packages.find]
include = ["synth*"]
"""


def make_repo(root: Path, files: int = FILES) -> tuple[Path, str]:
    """A synthetic Python project with `files` files, committed with real git."""
    repo = root / "synth"
    (repo / "synth").mkdir(parents=True)
    (repo / "pyproject.toml").write_text(PYPROJECT)
    (repo / "synth" / "__init__.py").write_text('"""Synthetic package."""\n')
    per_package = 50
    for i in range(files - 2):
        package = repo / "synth" / f"pkg{i // per_package:03d}"
        if not package.exists():
            package.mkdir()
            (package / "__init__.py").write_text("")
        body = "".join(f"def f{j}(x):\n    return x * {i} + {j}\n\n" for j in range(8))
        (package / f"mod{i:04d}.py").write_text(body)
    env = {"GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@x", "PATH": "/usr/bin:/bin"}
    env |= {"GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@x"}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "synthetic"]):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True)
    return repo, head.stdout.strip()


def naive_start(client: docker.DockerClient, repo: Path) -> float:
    """What a simple harness does per rollout: fresh container, git clone, run setup."""
    started = time.perf_counter()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        tar.add(repo / ".git", arcname="src.git")
    container = client.containers.run(
        DEFAULT_IMAGE, ["sleep", "600"], detach=True, user="0:0", network_mode="none",
        labels={"autofix.bench": "naive"},
    )  # fmt: skip
    try:
        container.put_archive("/tmp", buf.getvalue())
        script = (
            "set -e; git clone -q /tmp/src.git /workspace && cd /workspace && "
            f"PIP_BREAK_SYSTEM_PACKAGES=1 PIP_ROOT_USER_ACTION=ignore {SETUP} >/dev/null "
            "&& python3 -c 'import synth'"
        )
        result = container.exec_run(["bash", "-c", script])
        if result.exit_code != 0:
            raise RuntimeError(result.output.decode())
    finally:
        elapsed = time.perf_counter() - started
        container.remove(force=True)
    return elapsed


async def ready(
    spec: SandboxSpec,
    client: docker.DockerClient,
    envs: Environments,
    pool: SandboxPool | None = None,
) -> tuple[float, float]:
    """Seconds until a sandbox is ready (workspace unpacked), and until its first command ran."""
    started = time.perf_counter()
    opened = pool.sandbox() if pool else DockerSandbox(spec, client, environments=envs)
    async with opened as sb:
        entered = time.perf_counter() - started
        result = await sb.exec("test -f synth/pkg000/mod0000.py", timeout=30)
        answered = time.perf_counter() - started
        assert result.exit_code == 0, result.output
    return entered, answered


async def burst(
    spec: SandboxSpec, client: docker.DockerClient, envs: Environments, pool: str | None
) -> tuple[float, float]:
    """8 sandboxes requested at once: (seconds until all were ready, until all were removed)."""
    ready_at: list[float] = []
    pooled = SandboxPool(spec, client, size=8, environments=envs) if pool else None
    if pooled and pool == "warm":
        await pooled.wait_filled()
    started = time.perf_counter()
    try:
        results = await asyncio.gather(*(ready(spec, client, envs, pooled) for _ in range(8)))
        ready_at = [entered for entered, _ in results]
        done = time.perf_counter() - started
    finally:
        if pooled:
            await pooled.close()
    if pooled:
        hits = pooled.warm_hits
        assert hits == (8 if pool == "warm" else 0), f"{pool} pool served {hits} warm"
    return max(ready_at), done


async def main() -> dict[str, object]:
    client = docker_client()
    scope = f"bench-{uuid.uuid4().hex[:8]}"
    envs = Environments()
    with tempfile.TemporaryDirectory() as tmp:
        repo, sha = make_repo(Path(tmp))
        spec = SandboxSpec(repo=repo, commit=sha, setup=(SETUP,), run_id=scope, scope=scope)
        try:
            naive = [naive_start(client, repo) for _ in range(3)]
            cold, _ = await ready(spec, client, envs)
            samples = [await ready(spec, client, envs) for _ in range(20)]
            plain_ready, plain = await burst(spec, client, envs, None)
            cold_ready, cold_pool = await burst(spec, client, envs, "cold")
            warm_ready, warm_pool = await burst(spec, client, envs, "warm")
        finally:
            for image in client.images.list(filters={"label": f"autofix.image.scope={scope}"}):
                client.images.remove(image.id, force=True)
    warm = sorted(entered for entered, _ in samples)
    warm_p50 = statistics.median(warm)
    return {
        "files": FILES,
        "naive_s": round(statistics.median(naive), 3),
        "cold_s": round(cold, 3),
        "warm_p50_s": round(warm_p50, 3),
        "warm_p95_s": round(warm[int(0.95 * (len(warm) - 1))], 3),
        "first_command_p50_s": round(statistics.median(a for _, a in samples), 3),
        "parallel8_s": round(plain, 3),
        "parallel8_vs_warm": round(plain / warm_p50, 2),
        "parallel8_ready_s": round(plain_ready, 3),
        "parallel8_ready_vs_warm": round(plain_ready / warm_p50, 2),
        "pool_cold_parallel8_s": round(cold_pool, 3),
        "pool_cold_parallel8_ready_s": round(cold_ready, 3),
        "pool_warm_parallel8_s": round(warm_pool, 3),
        "pool_warm_parallel8_ready_s": round(warm_ready, 4),
        "pool_warm_parallel8_ready_vs_warm": round(warm_ready / warm_p50, 2),
        "speedup_vs_naive": round(statistics.median(naive) / warm_p50, 1),
        "setup_runs": envs.setup_runs,
        "load_avg_1m": round(os.getloadavg()[0], 2),  # the box is shared; read numbers with it
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main())))
