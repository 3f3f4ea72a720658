"""The worker's own /metrics endpoint: a small HTTP server beside the arq loop."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, start_http_server

from app.settings import SettingsError


def parse_address(value: str) -> tuple[str, int] | None:
    """`HOST:PORT` (or `off`) from AUTOFIX_WORKER_METRICS."""
    if value.strip().lower() in ("off", "none", ""):
        return None
    host, _, port = value.strip().rpartition(":")
    if not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise SettingsError(
            f"AUTOFIX_WORKER_METRICS={value!r} is not HOST:PORT (e.g. 0.0.0.0:9101) or off"
        )
    return host.strip("[]"), int(port)


@dataclass(frozen=True)
class MetricsServer:
    """A running metrics endpoint: where it listens and how to stop it."""

    host: str
    port: int
    stop: Callable[[], None]


def serve_metrics(registry: CollectorRegistry, address: str) -> MetricsServer | None:
    """Serve `registry` at http://HOST:PORT/metrics in a thread (None when turned off)."""
    parsed = parse_address(address)
    if parsed is None:
        return None
    try:
        server, thread = start_http_server(parsed[1], parsed[0], registry=registry)
    except OSError as exc:
        raise SettingsError(
            f"AUTOFIX_WORKER_METRICS={address!r}: cannot listen there ({exc}); "
            "choose a free port or set it to off"
        ) from None

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(5)

    host, port = server.server_address[:2]
    return MetricsServer(str(host), int(port), stop)
