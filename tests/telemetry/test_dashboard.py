"""The Grafana dashboard and the alert rules ask only for series autofix really exports."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from prometheus_client import CollectorRegistry

from app.telemetry.queue_metrics import QueueMetrics
from app.telemetry.run_metrics import RunMetrics
from app.web.metrics import WebMetrics

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",)}


def exported() -> set[str]:
    """Every series name the webhook service and the worker expose."""
    web = WebMetrics()
    QueueMetrics(web.registry)
    registries: list[CollectorRegistry] = [web.registry, RunMetrics().registry]
    names: set[str] = set()
    for registry in registries:
        for family in registry.collect():
            names.update(family.name + suffix for suffix in SUFFIXES[family.type])
    return names


def asked_for(text: str) -> set[str]:
    return set(re.findall(r"\bautofix_[a-z_]+", text))


def test_every_panel_query_names_an_exported_series() -> None:
    dashboard = json.loads((DEPLOY / "grafana" / "autofix-dashboard.json").read_text())
    queries = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    wanted = asked_for("\n".join(queries))
    assert wanted - exported() == set()
    # What operators were promised: each family appears on the dashboard.
    for family in (
        "autofix_runs_total",
        "autofix_rollouts_total",
        "autofix_spend_usd_total",
        "autofix_tokens_total",
        "autofix_judge_calls_total",
        "autofix_gates_total",
        "autofix_holdouts_total",
        "autofix_queue_jobs",
        "autofix_queue_oldest_job_age_seconds",
        "autofix_sandbox_start_seconds_bucket",
        "autofix_sandbox_run_seconds_bucket",
    ):
        assert family in wanted, family


def test_every_alert_names_an_exported_series() -> None:
    rules = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text())
    exprs = [rule["expr"] for group in rules["groups"] for rule in group["rules"]]
    assert exprs and asked_for("\n".join(exprs)) - exported() == set()
