"""The worker's own /metrics endpoint and its setting."""

from __future__ import annotations

import httpx
import pytest

from app.settings import SettingsError
from app.telemetry.exporter import parse_address, serve_metrics
from app.telemetry.run_metrics import RunMetrics


def test_the_worker_serves_its_registry() -> None:
    metrics = RunMetrics()
    metrics.finished("unresolved")
    server = serve_metrics(metrics.registry, "127.0.0.1:0")
    assert server is not None
    try:
        text = httpx.get(f"http://127.0.0.1:{server.port}/metrics", timeout=10).text
    finally:
        server.stop()
    assert 'autofix_runs_total{status="unresolved"} 1.0' in text
    assert "autofix_sandbox_start_seconds" in text


def test_the_setting_is_checked() -> None:
    assert parse_address("off") is None
    assert parse_address("0.0.0.0:9101") == ("0.0.0.0", 9101)
    assert parse_address("[::1]:9101") == ("::1", 9101)
    for bad in ("9101", "host:", "host:http", "host:70000"):
        with pytest.raises(SettingsError, match="AUTOFIX_WORKER_METRICS"):
            parse_address(bad)


def test_a_taken_port_names_the_setting() -> None:
    first = serve_metrics(RunMetrics().registry, "127.0.0.1:0")
    assert first is not None
    try:
        with pytest.raises(SettingsError, match="AUTOFIX_WORKER_METRICS"):
            serve_metrics(RunMetrics().registry, f"127.0.0.1:{first.port}")
    finally:
        first.stop()
