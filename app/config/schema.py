"""The schema of `.github/autofix.yml` (also `autofix solve --config`)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.config.ci import CiConfig
from app.llm.pricing import Price
from scaling.config import Budget, EngineConfig, Estimates

DEFAULT_IMAGE = "autofix-sandbox:bookworm"
# claude-sonnet-4-5 is deprecated by the SDK (end of life 2026-11-30).
DEFAULT_MODEL = "anthropic:claude-sonnet-4-6"


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SandboxConfig(_Section):
    """Where rollouts and tests run."""

    image: str = Field(
        default=DEFAULT_IMAGE,
        min_length=1,
        description="Docker image for rollouts and tests; it needs bash and git.",
    )
    setup: tuple[str, ...] = Field(
        default=(),
        description="Commands run once per sandbox before anything else (e.g. installs).",
    )
    toolchains: tuple[Literal["node", "go", "rust", "java"], ...] = Field(
        default=(),
        description="Toolchains from Debian installed under setup, cached: node (18 + npm), "
        "go (1.19), rust (cargo 1.63), java (OpenJDK 17).",
    )
    dockerfile: str | None = Field(
        default=None,
        min_length=1,
        description="A Dockerfile in the repository that builds the environment; its folder "
        "is the build context and FROM may name only the deployment's allowed images.",
    )
    setup_secrets: tuple[str, ...] = Field(
        default=(),
        description="Names of operator secrets (AUTOFIX_SETUP_SECRET_<NAME>) given to the "
        "setup commands only, as environment variables.",
    )

    @field_validator("setup_secrets")
    @classmethod
    def _secret_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for name in value:
            if not re.fullmatch(r"[A-Z][A-Z0-9_]{0,63}", name):
                raise ValueError(
                    f"setup secret name {name!r} must be upper-case letters, digits and '_' "
                    "(the part after AUTOFIX_SETUP_SECRET_)"
                )
        return value

    @field_validator("dockerfile")
    @classmethod
    def _inside_repository(cls, value: str | None) -> str | None:
        if value is not None and (value.startswith("/") or ".." in value.split("/")):
            raise ValueError(f"{value!r} must be a path inside the repository, e.g. Dockerfile")
        return value


class SuiteConfig(_Section):
    """One of several test suites (`tests.suites`): its command gates only its paths."""

    name: str = Field(min_length=1, max_length=40, description="Shown with its results.")
    command: str = Field(min_length=1, description="Runs the suite from the repository root.")
    report: str | None = Field(
        default=None, min_length=1, description="JUnit XML it writes, as for `tests.report`."
    )
    paths: tuple[str, ...] = Field(
        min_length=1,
        description="Directories or globs the suite covers: a patch touching them runs it.",
    )

    @field_validator("report")
    @classmethod
    def _report_glob(cls, value: str | None) -> str | None:
        return report_glob(value)


def report_glob(value: str | None) -> str | None:
    """A `report` pattern: inside the repository, no shell syntax."""
    if value is None:
        return value
    if not re.fullmatch(r"[A-Za-z0-9_.*?\[\]/-]+", value) or value.startswith("/"):
        raise ValueError(
            f"{value!r} must be a path or glob inside the repository made of letters, "
            "digits and _ . - / * ? [ ] (e.g. build/test-results/test/*.xml)"
        )
    if ".." in value.split("/"):
        raise ValueError(f"{value!r} must stay inside the repository (no `..`)")
    return value


class TestsConfig(_Section):
    """How the repository's tests are run and which of them are the maintainers'."""

    __test__ = False  # not a pytest class

    command: str | None = Field(
        default=None,
        min_length=1,
        description="Test command run from the repository root; detected when absent.",
    )
    holdout: tuple[str, ...] = Field(
        default=(),
        description="Paths hidden from rollouts and run only to check a selected winner.",
    )
    holdout_command: str | None = Field(
        default=None,
        min_length=1,
        description="Command that runs the holdout tests, as written, when `command` with the "
        "holdout paths appended cannot (for example because it deselects them).",
    )
    protected: tuple[str, ...] | None = Field(
        default=None,
        description="Maintainers' test paths, reset to base before gating; detected when absent.",
    )
    report: str | None = Field(
        default=None,
        min_length=1,
        description="JUnit XML the test command writes, as a path or glob inside the "
        "repository (e.g. `target/surefire-reports/*.xml`), for runners autofix does not "
        "know; detected for Maven and Gradle.",
    )
    timeout_s: int = Field(
        default=900, ge=10, le=7200, description="Seconds one run of the test command may take."
    )
    baseline_runs: int = Field(
        default=2,
        ge=1,
        le=5,
        description="Runs of the test command on the unpatched code; mixed outcomes are flaky.",
    )
    cross_finalists: int = Field(
        default=3,
        ge=0,
        le=8,
        description="Finalists whose patches each run the others' new tests, as evidence for "
        "reviewers (it never changes the winner); 0 turns it off.",
    )
    suites: tuple[SuiteConfig, ...] = Field(
        default=(),
        description="Several suites (name, command, report, paths), each with its own "
        "baseline; a patch is gated by the suites whose paths it touches.",
    )

    @field_validator("report")
    @classmethod
    def _report_glob(cls, value: str | None) -> str | None:
        return report_glob(value)

    @field_validator("suites")
    @classmethod
    def _distinct_suites(cls, value: tuple[SuiteConfig, ...]) -> tuple[SuiteConfig, ...]:
        names = [s.name for s in value]
        if len(set(names)) != len(names):
            raise ValueError(f"suite names must differ, got {', '.join(names)}")
        return value


class BudgetConfig(_Section):
    """Limits that stop a run cleanly (fail closed)."""

    usd: float = Field(default=10.0, ge=0, le=10_000, description="LLM spend for the whole run.")
    steps: int = Field(default=50, ge=1, le=1000, description="Agent commands per rollout.")
    tokens: int | None = Field(
        default=None, ge=1, description="Input + output tokens for the whole run (none: no cap)."
    )
    wall_s: float = Field(
        default=3600.0, gt=0, le=86_400, description="Wall-clock seconds for the whole run."
    )


class PrConfig(_Section):
    """How the pull request is opened."""

    draft: bool = Field(default=True, description="Open the pull request as a draft.")


class RepoConfig(_Section):
    """A repository's autofix settings; every key is optional."""

    label: str = Field(
        default="autofix", min_length=1, description="Issue label that starts a run."
    )
    model: str = Field(
        default=DEFAULT_MODEL,
        min_length=1,
        description="Model spec, `provider:name` (anthropic:… or openai:NAME@URL).",
    )
    strategy: Literal["rtv", "single", "best-of-n"] = Field(
        default="rtv", description="How candidates are chosen (see the engine)."
    )
    rollouts: int = Field(default=4, ge=1, le=64, description="N, rollouts per round.")
    rounds: int = Field(default=2, ge=1, le=8, description="Generations; 1 means no refinement.")
    refine_with: int = Field(
        default=2, ge=1, le=16, description="K, summaries a refinement round is conditioned on."
    )
    votes: int = Field(default=8, ge=1, le=32, description="V, judge votes per tournament match.")
    group_size: int = Field(default=2, ge=2, le=8, description="G, candidates per match.")
    hints: tuple[str, ...] = Field(
        default=(),
        description="Approach hints handed out to a round's rollouts in turn, so that they "
        "explore different fixes; empty means no hints.",
    )
    prices: dict[str, Price] = Field(
        default_factory=dict,
        description="USD per million tokens by model name, overriding the built-in table: "
        "{input, output, cache_write?, cache_read?}.",
    )
    sandbox: SandboxConfig = Field(default_factory=SandboxConfig)
    tests: TestsConfig = Field(default_factory=TestsConfig)
    budget: BudgetConfig = Field(default_factory=BudgetConfig)
    pr: PrConfig = Field(default_factory=PrConfig)
    ci: CiConfig = Field(default_factory=CiConfig)

    @field_validator("model")
    @classmethod
    def _known_model_spec(cls, value: str) -> str:
        from app.llm.base import ModelConfigError
        from app.llm.spec import parse_model_spec

        try:
            parse_model_spec(value)
        except ModelConfigError as exc:
            raise ValueError(str(exc)) from None
        return value

    def to_engine_config(self) -> EngineConfig:
        """The engine's knobs; per-rollout step limits go to the rollout runner instead."""
        defaults = Estimates()
        rollout = defaults.rollout
        # Every rollout the run may start gets an equal share of 80% of the budget (the rest is
        # for summaries and votes); it is also the rollout's own cost cap. Fails closed.
        if self.budget.usd > 0:
            share = 0.8 * self.budget.usd / (self.rollouts * self.rounds)
            rollout = rollout.model_copy(update={"usd": min(rollout.usd, share)})
        # A rollout may take a third of the run's wall clock, leaving time for checks and votes.
        rollout = rollout.model_copy(update={"wall_s": min(rollout.wall_s, self.budget.wall_s / 3)})
        return EngineConfig(
            strategy=self.strategy,
            rollouts=self.rollouts,
            rounds=self.rounds,
            refine_with=self.refine_with,
            votes=self.votes,
            group_size=self.group_size,
            baseline_runs=self.tests.baseline_runs,
            cross_finalists=self.tests.cross_finalists,
            approach_hints=bool(self.hints),
            hints=self.hints,
            budget=Budget(
                usd=self.budget.usd, tokens=self.budget.tokens, wall_s=self.budget.wall_s
            ),
            estimates=defaults.model_copy(update={"rollout": rollout}),
        )

    def with_default_image(self, image: str) -> RepoConfig:
        """The deployment's image (AUTOFIX_SANDBOX_IMAGE) where the repository chose none."""
        if "image" in self.sandbox.model_fields_set or image == self.sandbox.image:
            return self
        sandbox = self.sandbox.model_copy(update={"image": image})
        return self.model_copy(update={"sandbox": sandbox})

    @property
    def test_command(self) -> str:
        """The configured or detected test command; `resolve_defaults` must have run."""
        if self.tests.command is None:
            raise ValueError("no test command: call resolve_defaults() with the repository files")
        return self.tests.command

    @property
    def protected_paths(self) -> tuple[str, ...]:
        return self.tests.protected or ()
