"""The worker's metrics: what a run decided, counted under label values from fixed sets."""

from __future__ import annotations

from pathlib import Path

from prometheus_client import generate_latest

from app.telemetry.run_metrics import RunMetrics
from sandbox.models import SandboxSpec
from scaling.result import GateResult, HoldoutResult, RolloutRecord, RunResult
from scaling.rollout import Rollout


def value(metrics: RunMetrics, name: str, **labels: str) -> float:
    found = metrics.registry.get_sample_value(name, labels)
    return 0.0 if found is None else found


def sandbox_spec(repo: Path, purpose: str) -> SandboxSpec:
    return SandboxSpec(repo=repo, commit="0" * 40, run_id="1", labels={"autofix.purpose": purpose})


def result() -> RunResult:
    def rollout(rid: str, status: str) -> RolloutRecord:
        return RolloutRecord.model_validate(
            {"id": rid, "round": 0, "exit_status": status, "patch_sha256": "0" * 64}
        )

    return RunResult(
        status="resolved",
        rollouts=(rollout("r0-0", "submitted"), rollout("r0-1", "step_limit")),
        gates=(
            GateResult(rollout_id="r0-0", passed=True),
            GateResult(rollout_id="r0-1", passed=False, tamper=("conftest.py added",)),
        ),
        holdouts=(HoldoutResult(rollout_id="r0-0", passed=True),),
        llm_calls=9,
        judge_calls=3,
        input_tokens=1200,
        output_tokens=300,
        cost_usd=0.42,
        wall_s=95.0,
    )


def test_a_run_is_counted_once_in_every_family() -> None:
    metrics = RunMetrics()
    metrics.observe(result())
    metrics.finished("resolved")
    assert value(metrics, "autofix_runs_total", status="resolved") == 1
    assert value(metrics, "autofix_rollouts_total", exit_status="submitted") == 1
    assert value(metrics, "autofix_rollouts_total", exit_status="step_limit") == 1
    assert value(metrics, "autofix_gates_total", verdict="passed") == 1
    assert value(metrics, "autofix_gates_total", verdict="flagged") == 1
    assert value(metrics, "autofix_gates_total", verdict="failed") == 0
    assert value(metrics, "autofix_holdouts_total", result="passed") == 1
    assert value(metrics, "autofix_spend_usd_total") == 0.42
    assert value(metrics, "autofix_tokens_total", direction="input") == 1200
    assert value(metrics, "autofix_judge_calls_total") == 3
    assert value(metrics, "autofix_run_seconds_count") == 1


def test_rollouts_and_sandboxes_have_histograms(tmp_path: Path) -> None:
    metrics = RunMetrics()
    metrics.rollout_done(
        Rollout(rollout_id="r0-0", round=0, index=0, exit_status="submitted", patch="", steps=1,
                wall_s=42.0)
    )  # fmt: skip
    spec = SandboxSpec(
        repo=tmp_path, commit="0" * 40, run_id="1", labels={"autofix.purpose": "holdout"}
    )
    metrics.sandboxes.started(spec, 0.3)
    metrics.sandboxes.closed(spec, 12.0)
    assert value(metrics, "autofix_rollout_seconds_sum") == 42.0
    assert value(metrics, "autofix_sandbox_start_seconds_count", purpose="holdout") == 1
    assert value(metrics, "autofix_sandbox_run_seconds_sum", purpose="holdout") == 12.0


def test_unknown_values_never_become_new_series(tmp_path: Path) -> None:
    metrics = RunMetrics()
    for odd in ("octo/secret-repo", "x" * 500, "resolved\n"):
        metrics.finished(odd)
        spec = SandboxSpec(
            repo=tmp_path, commit="0" * 40, run_id="1", labels={"autofix.purpose": odd}
        )
        metrics.sandboxes.started(spec, 1.0)
    assert value(metrics, "autofix_runs_total", status="other") == 3
    assert value(metrics, "autofix_sandbox_start_seconds_count", purpose="other") == 3
    text = generate_latest(metrics.registry).decode()
    assert "secret-repo" not in text and "x" * 50 not in text
