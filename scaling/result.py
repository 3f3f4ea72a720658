"""Everything a run decided, in the shape `autofix solve` writes to result.json."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from scaling.events import CrossStatus, RunStatus
from scaling.issue import Issue
from scaling.rollout import ExitStatus
from scaling.summary import RolloutSummary

GateStatus = Literal["passed", "failed", "flagged", "not_run"]
HoldoutStatus = Literal["passed", "failed", "not_run"]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True)


class BaselineRecord(_Record):
    """What the unpatched repository's tests did."""

    runs: int = 0
    parsed: bool = False
    passing: tuple[str, ...] = ()
    flaky: tuple[str, ...] = ()
    preexisting: tuple[str, ...] = ()
    # Skipped or xfailed in every run (or a mix of those two).
    skipped: tuple[str, ...] = ()
    collected: int = 0
    # Exit code of every run; used when outcomes could not be parsed.
    exit_codes: tuple[int, ...] = ()


class GateResult(_Record):
    """Whether a candidate's tests clear the baseline, and why not."""

    rollout_id: str
    passed: bool
    reasons: tuple[str, ...] = ()
    tamper: tuple[str, ...] = ()
    new_failures: tuple[str, ...] = ()
    new_tests: tuple[str, ...] = ()
    # True: its new tests fail without the fix and pass with it; None: nothing to check.
    reproduced: bool | None = None
    failing: int = 0
    diff_lines: int = 0


class HoldoutResult(_Record):
    """A selected candidate against the tests no rollout saw."""

    rollout_id: str
    passed: bool
    # Holdout tests that failed or were missing, and any other test that failed.
    failures: tuple[str, ...] = ()
    exit_code: int = 0
    # Why it did not pass, in words ("" when it passed).
    reason: str = ""


class CrossCheckResult(_Record):
    """A finalist's patch against another finalist's new tests; evidence, never a gate."""

    candidate: str
    tests_from: str
    status: CrossStatus
    # Failing tests, leaving out those flaky or already failing on the unpatched code.
    failures: tuple[str, ...] = ()
    test_files: tuple[str, ...] = ()
    detail: str = ""


class VoteRecord(_Record):
    """One judge call: what it saw, in which order, and what it picked."""

    order: tuple[str, ...]
    choice: str | None
    valid: bool
    reason: str = ""
    cost_usd: float = 0.0


class MatchRecord(_Record):
    """One tournament match and every vote cast in it."""

    round: int
    purpose: Literal["select", "refine"]
    stage: int
    candidates: tuple[str, ...]
    winner: str
    tally: dict[str, int]
    votes: tuple[VoteRecord, ...] = ()
    invalid_votes: int = 0
    tie_broken_by: str | None = None
    early_stopped: bool = False


class CandidateRecord(_Record):
    """A distinct patch; identical patches (ignoring whitespace) from several rollouts collapse."""

    id: str
    round: int
    rollout_ids: tuple[str, ...]
    count: int
    patch_sha256: str
    gate: GateStatus = "not_run"
    holdout: HoldoutStatus = "not_run"


class RolloutRecord(_Record):
    """One rollout as result.json lists it."""

    id: str
    round: int
    index: int = 0
    exit_status: ExitStatus
    gate: GateStatus = "not_run"
    holdout: HoldoutStatus = "not_run"
    patch_sha256: str
    candidate: str | None = None
    steps: int = 0
    cost_usd: float = 0.0
    error: str | None = None


class SkipRecord(_Record):
    """Work the budget refused to start."""

    what: str
    why: str


class Winner(_Record):
    """The rollout whose patch the run proposes."""

    rollout_id: str
    round: int


class RunResult(_Record):
    """The outcome of one engine run; `model_dump(mode="json")` is result.json."""

    status: RunStatus
    winner: Winner | None = None
    rollouts: tuple[RolloutRecord, ...] = ()
    rounds: int = 0
    llm_calls: int = 0
    judge_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    wall_s: float = 0.0
    strategy: str = "rtv"
    baseline: BaselineRecord | None = None
    candidates: tuple[CandidateRecord, ...] = ()
    gates: tuple[GateResult, ...] = ()
    holdouts: tuple[HoldoutResult, ...] = ()
    # Each finalist's patch against the other finalists' new tests, as extra evidence.
    cross_checks: tuple[CrossCheckResult, ...] = ()
    matches: tuple[MatchRecord, ...] = ()
    # Candidate ids of each round, best first, as the tournament ranked them.
    tournament_order: tuple[tuple[str, ...], ...] = ()
    skipped: tuple[SkipRecord, ...] = ()
    summaries: tuple[RolloutSummary, ...] = ()
    patch: str = ""
    summary: RolloutSummary | None = None
    error: str | None = None
    # Why the run proposes no patch (None when resolved): what a maintainer can act on.
    reason: str | None = None
    # The commit every sandbox started from; set by the caller, which knows the checkout.
    base_commit: str | None = None
    # The issue as the run saw it: exactly the text that reached the model.
    issue: Issue | None = None
