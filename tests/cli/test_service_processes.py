"""`autofix serve` and `autofix worker` as processes: JSON lines, and the worker's /metrics."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.fakes.github_fixtures import app_key_pair

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _environment(redis_url: str, tmp_path: Path) -> dict[str, str]:
    """What a deployment sets (App identity, queue, store), pointing at local services."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "AUTOFIX_GITHUB_APP_ID": "4242",
        "AUTOFIX_GITHUB_PRIVATE_KEY": app_key_pair()[0],
        "AUTOFIX_WEBHOOK_SECRET": secrets.token_hex(32),
        "AUTOFIX_REDIS_URL": redis_url,
        "AUTOFIX_DATABASE_URL": f"sqlite:///{tmp_path / 'autofix.db'}",
        "AUTOFIX_WORK_DIR": str(tmp_path / "work"),
    }


def test_serve_writes_json_lines_with_the_delivery(fresh_redis_url: str, tmp_path: Path) -> None:
    port = _free_port()
    env = _environment(fresh_redis_url, tmp_path)
    argv = [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(
        argv, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    delivery = "9a1b2c3d-0000-4000-8000-000000000001"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                answer = httpx.get(
                    f"http://127.0.0.1:{port}/healthz",
                    headers={"X-GitHub-Delivery": delivery},
                    timeout=5,
                )
                break
            except httpx.TransportError:
                assert process.poll() is None, process.communicate()[1]
                assert time.monotonic() < deadline, "autofix serve did not start"
                time.sleep(0.2)
        assert answer.status_code in (200, 503)
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    lines = [json.loads(line) for line in stderr.splitlines() if line.strip()]
    assert lines, stderr
    assert {"ts", "level", "logger", "message", "run_id", "delivery_id"} <= set(lines[0])
    access = [line for line in lines if "/healthz" in str(line["message"])]
    assert len(access) == 1 and access[0]["delivery_id"] == delivery


def test_the_worker_serves_metrics_and_logs_json(fresh_redis_url: str, tmp_path: Path) -> None:
    port = _free_port()
    env = {**_environment(fresh_redis_url, tmp_path), "AUTOFIX_WORKER_METRICS": f"127.0.0.1:{port}"}
    argv = [sys.executable, "-m", "app.cli", "worker"]
    process = subprocess.Popen(
        argv, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
                break
            except httpx.TransportError:
                assert process.poll() is None, process.communicate()[1]
                assert time.monotonic() < deadline, "the worker's metrics never answered"
                time.sleep(0.2)
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=60)
    assert 'autofix_runs_total{status="resolved"} 0.0' in text
    assert "autofix_sandbox_start_seconds" in text
    lines = [json.loads(line) for line in stderr.splitlines() if line.strip()]
    assert any(line["logger"] == "arq.worker" for line in lines), stderr
