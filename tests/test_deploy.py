"""The App manifest asks for exactly what the webhook service handles and the worker uses."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_manifest_subscribes_to_every_event_autofix_acts_on() -> None:
    manifest = json.loads((ROOT / "deploy" / "app-manifest.json").read_text())
    assert set(manifest["default_events"]) == {
        "issues",
        "issue_comment",
        "pull_request_review",
        "pull_request_review_comment",
        # CI results on autofix's pull requests: they wake the watcher of the head commit.
        "check_run",
        "check_suite",
        "status",
    }
    permissions = manifest["default_permissions"]
    for scope in ("contents", "issues", "pull_requests", "checks"):
        assert permissions[scope] == "write", scope
    assert "workflows" not in permissions  # autofix never pushes workflow changes
    # CI results are read, never written; Actions jobs may be re-run once, to spot a flake.
    assert permissions["statuses"] == "read" and permissions["actions"] == "write"


def test_compose_wires_the_environment_contract() -> None:
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    services = compose["services"]
    assert {"serve", "worker", "redis", "postgres"} <= set(services)
    for name in ("serve", "worker"):
        env = services[name]["environment"]
        assert {"AUTOFIX_REDIS_URL", "AUTOFIX_DATABASE_URL"} <= set(env)
    assert any("docker.sock" in v for v in services["worker"]["volumes"])


def _compose() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    assert isinstance(loaded, dict)
    return loaded


# `${NAME:?message}`: compose refuses to start when NAME is unset or empty.
REQUIRED = re.compile(r"\$\{(AUTOFIX_[A-Z_]+_PASSWORD):\?[^}]+\}")


def test_redis_and_postgres_need_passwords_with_no_working_default() -> None:
    services = _compose()["services"]
    redis_args = " ".join(services["redis"]["command"])
    assert "--requirepass" in redis_args
    assert REQUIRED.findall(redis_args) == ["AUTOFIX_REDIS_PASSWORD"]
    pg_password = services["postgres"]["environment"]["POSTGRES_PASSWORD"]
    assert REQUIRED.fullmatch(pg_password), "no literal or defaulted password"
    for name in ("serve", "worker"):
        env = services[name]["environment"]
        assert REQUIRED.findall(env["AUTOFIX_REDIS_URL"]) == ["AUTOFIX_REDIS_PASSWORD"]
        assert REQUIRED.findall(env["AUTOFIX_DATABASE_URL"]) == ["AUTOFIX_POSTGRES_PASSWORD"]


def test_setup_gets_a_network_with_internet_and_none_of_the_services() -> None:
    compose = _compose()
    services, networks = compose["services"], compose["networks"]
    setup_name = services["worker"]["environment"]["AUTOFIX_SETUP_NETWORK"]
    (setup_key,) = [k for k, v in networks.items() if (v or {}).get("name") == setup_name]
    assert not networks[setup_key].get("internal"), "setup steps may download packages"
    on_setup = [name for name, svc in services.items() if setup_key in svc.get("networks", [])]
    assert on_setup == [], "nothing of autofix is reachable from setup containers"
    for store in ("redis", "postgres"):
        joined = services[store]["networks"]
        assert joined and all(networks[n].get("internal") for n in joined), store
        assert "ports" not in services[store], f"{store} is not published on the host"


def test_prometheus_scrapes_what_compose_runs() -> None:
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    services = compose["services"]
    worker_metrics = services["worker"]["environment"]["AUTOFIX_WORKER_METRICS"]
    assert worker_metrics.startswith("0.0.0.0:")  # reachable by the scraper inside compose
    assert "ports" not in services["worker"]  # but never published on the host
    scrape = yaml.safe_load((ROOT / "deploy" / "prometheus" / "prometheus.yml").read_text())
    targets = {
        job["job_name"]: job["static_configs"][0]["targets"] for job in scrape["scrape_configs"]
    }
    assert targets["autofix-worker"] == [f"worker:{worker_metrics.rsplit(':', 1)[1]}"]
    serve_port = services["serve"]["command"][-1]
    assert targets["autofix-serve"] == [f"serve:{serve_port}"]
    for name in ("prometheus", "grafana"):
        assert services[name]["profiles"] == ["monitoring"]
