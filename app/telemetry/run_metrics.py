"""The worker's Prometheus metrics: runs, rollouts, spend, judging, gates, holdouts, sandboxes."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

from app.telemetry.labels import (
    EXIT_STATUSES,
    GATE_VERDICTS,
    HOLDOUT_RESULTS,
    RUN_STATUSES,
    SANDBOX_PURPOSES,
    bounded,
)
from sandbox.models import SandboxSpec
from scaling.result import RunResult
from scaling.rollout import Rollout

PURPOSE_LABEL = "autofix.purpose"
_LONG = (10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1200.0, 1800.0, 3600.0, 7200.0, 10800.0)


class SandboxTimings:
    """Observes sandbox starts and lifetimes (the sandbox package's observer protocol)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.start = Histogram(
            "autofix_sandbox_start_seconds",
            "Time from asking for a sandbox to its workspace being ready, by purpose.",
            ["purpose"],
            buckets=(0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0),
            registry=registry,
        )
        self.lifetime = Histogram(
            "autofix_sandbox_run_seconds",
            "Time a sandbox was in use, from ready to removed, by purpose.",
            ["purpose"],
            buckets=(1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0),
            registry=registry,
        )

    @staticmethod
    def _purpose(spec: SandboxSpec) -> str:
        return bounded(spec.labels.get(PURPOSE_LABEL, ""), SANDBOX_PURPOSES)

    def started(self, spec: SandboxSpec, seconds: float) -> None:
        self.start.labels(self._purpose(spec)).observe(seconds)

    def closed(self, spec: SandboxSpec, seconds: float) -> None:
        self.lifetime.labels(self._purpose(spec)).observe(seconds)


class RunMetrics:
    """Counters fed once per finished run, in a registry of their own (tests build many)."""

    def __init__(self) -> None:
        self.registry = r = CollectorRegistry()
        self.runs = Counter("autofix_runs", "Runs by final status.", ["status"], registry=r)
        self.rollouts = Counter(
            "autofix_rollouts", "Rollouts by exit status.", ["exit_status"], registry=r
        )
        self.spend = Counter("autofix_spend_usd", "US dollars spent on model calls.", registry=r)
        self.tokens = Counter(
            "autofix_tokens", "Model tokens by direction.", ["direction"], registry=r
        )
        self.llm_calls = Counter("autofix_llm_calls", "Model calls of every kind.", registry=r)
        self.judge_calls = Counter("autofix_judge_calls", "Tournament votes asked for.", registry=r)
        self.gates = Counter(
            "autofix_gates", "Candidate gates by verdict (flagged: tampering).", ["verdict"],
            registry=r,
        )  # fmt: skip
        self.holdouts = Counter(
            "autofix_holdouts", "Holdout checks of selected candidates.", ["result"], registry=r
        )
        self.run_seconds = Histogram(
            "autofix_run_seconds", "Wall time of the engine per run.", buckets=_LONG, registry=r
        )
        self.rollout_seconds = Histogram(
            "autofix_rollout_seconds",
            "Wall time of each rollout.",
            buckets=(5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1200.0, 1800.0, 3600.0),
            registry=r,
        )
        self.sandboxes = SandboxTimings(r)
        self.swept = Counter(
            "autofix_sandbox_swept",
            "Containers and volumes the periodic sweep removed (expired, or left without their "
            "container).",
            registry=r,
        )
        for status in RUN_STATUSES:
            self.runs.labels(status)
        for verdict in GATE_VERDICTS:
            self.gates.labels(verdict)

    def finished(self, status: str) -> None:
        """A run reached a final status (resolved, unresolved, failed, cancelled, …)."""
        self.runs.labels(bounded(status, RUN_STATUSES)).inc()

    def rollout_done(self, rollout: Rollout) -> None:
        """One rollout finished (its patch is recorded next)."""
        self.rollout_seconds.observe(max(rollout.wall_s, 0.0))

    def observe(self, result: RunResult) -> None:
        """What the engine spent and decided in one run."""
        for record in result.rollouts:
            self.rollouts.labels(bounded(record.exit_status, EXIT_STATUSES)).inc()
        self.spend.inc(max(result.cost_usd, 0.0))
        self.tokens.labels("input").inc(max(result.input_tokens, 0))
        self.tokens.labels("output").inc(max(result.output_tokens, 0))
        self.llm_calls.inc(max(result.llm_calls, 0))
        self.judge_calls.inc(max(result.judge_calls, 0))
        for gate in result.gates:
            verdict = "flagged" if gate.tamper else "passed" if gate.passed else "failed"
            self.gates.labels(verdict).inc()
        for holdout in result.holdouts:
            self.holdouts.labels(
                bounded("passed" if holdout.passed else "failed", HOLDOUT_RESULTS)
            ).inc()
        self.run_seconds.observe(max(result.wall_s, 0.0))
