"""The App manifest asks for exactly what the webhook service handles and the worker uses."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_manifest_subscribes_to_every_event_autofix_acts_on() -> None:
    manifest = json.loads((ROOT / "deploy" / "app-manifest.json").read_text())
    assert set(manifest["default_events"]) == {
        "issues",
        "issue_comment",
        "pull_request_review",
        "pull_request_review_comment",
    }
    permissions = manifest["default_permissions"]
    for scope in ("contents", "issues", "pull_requests", "checks"):
        assert permissions[scope] == "write", scope
    assert "workflows" not in permissions  # autofix never pushes workflow changes
    # CI results are read, never written.
    assert permissions["statuses"] == "read" and permissions["actions"] == "read"


def test_compose_wires_the_environment_contract() -> None:
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    services = compose["services"]
    assert {"serve", "worker", "redis", "postgres"} <= set(services)
    for name in ("serve", "worker"):
        env = services[name]["environment"]
        assert {"AUTOFIX_REDIS_URL", "AUTOFIX_DATABASE_URL"} <= set(env)
    assert any("docker.sock" in v for v in services["worker"]["volumes"])
