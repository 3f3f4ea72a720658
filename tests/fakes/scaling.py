"""Fakes for the engine's protocols: scripted rollouts, summaries, judges and test runs."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from scaling.events import Event, RolloutStep
from scaling.issue import Issue
from scaling.protocols import EventSink
from scaling.rollout import ExitStatus, Rollout, RolloutRequest, Usage
from scaling.summary import RolloutSummary
from scaling.testrun import Outcome, TestRun
from scaling.vote import Vote

ROLLOUT_USAGE = Usage(input_tokens=1000, output_tokens=200, cost_usd=0.10, calls=4)
SUMMARY_USAGE = Usage(input_tokens=300, output_tokens=100, cost_usd=0.01, calls=1)
VOTE_USAGE = Usage(input_tokens=200, output_tokens=20, cost_usd=0.005, calls=1)


def make_patch(
    path: str, added: Sequence[str], removed: Sequence[str] = (), *, new: bool = False
) -> str:
    """A git-style unified diff of one file: `removed` lines replaced by `added` ones."""
    old = "/dev/null" if new else f"a/{path}"
    header = f"diff --git a/{path} b/{path}\n" + ("new file mode 100644\n" if new else "")
    body = "".join(f"-{line}\n" for line in removed) + "".join(f"+{line}\n" for line in added)
    hunk = f"@@ -{0 if new else 1},{len(removed)} +1,{len(added)} @@\n"
    return f"{header}--- {old}\n+++ b/{path}\n{hunk}{body}"


def make_run(outcomes: Mapping[str, Outcome], exit_code: int | None = None) -> TestRun:
    """A parsed run; the exit code follows pytest's (1 when anything failed) unless given."""
    failed = any(o in ("failed", "error") for o in outcomes.values())
    code = exit_code if exit_code is not None else (1 if failed else 0)
    return TestRun(exit_code=code, outcomes=dict(outcomes), parsed=True)


class RecordingSink:
    """Keeps every event."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def emit(self, event: Event) -> None:
        self.events.append(event)

    def kinds(self) -> list[str]:
        return [e.kind for e in self.events]

    def of(self, kind: str) -> list[Event]:
        return [e for e in self.events if e.kind == kind]


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


Plan = Callable[[RolloutRequest], str]


@dataclass
class FakeRolloutRunner:
    """Returns the patch `plan` gives each request; if the plan raises, the rollout raises."""

    plan: Plan
    usage: Usage = ROLLOUT_USAGE
    exit_status: ExitStatus = "submitted"
    clock: FakeClock | None = None
    seconds_per_rollout: float = 0.0
    requests: list[RolloutRequest] = field(default_factory=list)

    @classmethod
    def from_patches(cls, patches: Sequence[str], **kwargs: object) -> FakeRolloutRunner:
        """Rollout `index` returns patches[index] in every round."""
        return cls(plan=lambda request: patches[request.index], **kwargs)  # type: ignore[arg-type]

    async def run(self, request: RolloutRequest, issue: Issue, events: EventSink) -> Rollout:
        self.requests.append(request)
        events.emit(RolloutStep(rollout_id=request.rollout_id, step=1, command="pytest -q"))
        if self.clock is not None:
            self.clock.now += self.seconds_per_rollout
        patch = self.plan(request)
        return Rollout(
            rollout_id=request.rollout_id,
            round=request.round,
            index=request.index,
            exit_status=self.exit_status,
            patch=patch,
            steps=3,
            usage=self.usage,
        )


class FakeSummarizer:
    """Summarises a rollout as the lines its patch adds (so judges can tell patches apart)."""

    def __init__(self, usage: Usage = SUMMARY_USAGE) -> None:
        self.usage = usage
        self.calls = 0

    async def summarize(self, rollout: Rollout, issue: Issue) -> tuple[RolloutSummary, Usage]:
        self.calls += 1
        added = [
            ln[1:].strip()
            for ln in rollout.patch.splitlines()
            if ln.startswith("+") and not ln.startswith("+++")
        ]
        summary = RolloutSummary(rollout_id=rollout.rollout_id, approach=" | ".join(added))
        return summary, self.usage


class ScoringJudge:
    """Votes for the highest-scoring summary; equal scores go to the one shown first."""

    def __init__(self, score: Callable[[RolloutSummary], float], usage: Usage = VOTE_USAGE) -> None:
        self.score = score
        self.usage = usage
        self.calls = 0
        self.shown: list[list[str]] = []

    async def vote(self, issue: Issue, candidates: Sequence[RolloutSummary]) -> Vote:
        self.calls += 1
        self.shown.append([c.rollout_id for c in candidates])
        best = max(range(len(candidates)), key=lambda i: (self.score(candidates[i]), -i))
        return Vote(choice=best, reason="best score", usage=self.usage)


def marker_judge(marker: str) -> ScoringJudge:
    """An accurate judge: prefers summaries whose approach mentions `marker`."""
    return ScoringJudge(lambda s: 1.0 if marker in s.approach else 0.0)


class FirstPositionJudge:
    """A maximally position-biased judge: always votes for whatever it is shown first."""

    def __init__(self) -> None:
        self.calls = 0

    async def vote(self, issue: Issue, candidates: Sequence[RolloutSummary]) -> Vote:
        self.calls += 1
        return Vote(choice=0, reason="first one", usage=VOTE_USAGE)


class GarbageJudge:
    """A judge whose every answer is unusable (out-of-range, unparseable or raising)."""

    def __init__(self) -> None:
        self.calls = 0

    async def vote(self, issue: Issue, candidates: Sequence[RolloutSummary]) -> Vote:
        self.calls += 1
        kind = self.calls % 3
        if kind == 0:
            raise RuntimeError("judge produced no tool call")
        if kind == 1:
            return Vote(choice=None, reason="could not parse", usage=VOTE_USAGE, valid=False)
        return Vote(choice=len(candidates) + 5, reason="out of range", usage=VOTE_USAGE)


class NoisyJudge:
    """Picks the marked summary with probability `accuracy` (pairs), otherwise another; seeded."""

    def __init__(self, marker: str, accuracy: float, seed: int = 0) -> None:
        self.marker = marker
        self.accuracy = accuracy
        self.rng = random.Random(seed)
        self.calls = 0

    async def vote(self, issue: Issue, candidates: Sequence[RolloutSummary]) -> Vote:
        self.calls += 1
        good = [i for i, c in enumerate(candidates) if self.marker in c.approach]
        bad = [i for i in range(len(candidates)) if i not in good]
        pick_good = good and (not bad or self.rng.random() < self.accuracy)
        choice = self.rng.choice(good if pick_good else bad)
        return Vote(choice=choice, reason="noisy", usage=VOTE_USAGE)


@dataclass
class FakeTestRunner:
    """Test results keyed by patch text; unknown patches behave like the baseline.

    Cross-checks are keyed by (patch under test, patch the tests come from); a scripted
    exception is raised, and an unscripted pair passes one test per test file.
    """

    baselines: list[TestRun]
    candidates: dict[str, TestRun] = field(default_factory=dict)
    reproductions: dict[str, TestRun] = field(default_factory=dict)
    holdouts: dict[str, TestRun] = field(default_factory=dict)
    crosses: dict[tuple[str, str], TestRun | Exception] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(default_factory=list)
    # (patch, tests_patch, test_files) of every cross-check, in call order.
    cross_calls: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)
    baseline_error: Exception | None = None
    # The holdout on unpatched code; None: no holdout configured (any exit-0 run passes).
    holdout_base: TestRun | None = None
    _baseline_runs: int = 0

    async def baseline(self) -> TestRun:
        self.calls.append(("baseline", ""))
        if self.baseline_error is not None:
            raise self.baseline_error
        run = self.baselines[self._baseline_runs % len(self.baselines)]
        self._baseline_runs += 1
        return run

    async def candidate(self, patch: str) -> TestRun:
        self.calls.append(("candidate", patch))
        return self.candidates.get(patch, self.baselines[0])

    async def reproduction(self, patch: str, test_files: Sequence[str]) -> TestRun:
        self.calls.append(("reproduction", patch))
        return self.reproductions.get(patch, self.baselines[0])

    async def holdout_baseline(self) -> TestRun | None:
        self.calls.append(("holdout_baseline", ""))
        return self.holdout_base

    async def holdout(self, patch: str) -> TestRun:
        self.calls.append(("holdout", patch))
        return self.holdouts.get(patch, TestRun(exit_code=0, parsed=True))

    async def cross(self, patch: str, tests_patch: str, test_files: Sequence[str]) -> TestRun:
        self.calls.append(("cross", patch))
        self.cross_calls.append((patch, tests_patch, tuple(test_files)))
        scripted = self.crosses.get((patch, tests_patch))
        if isinstance(scripted, Exception):
            raise scripted
        if scripted is not None:
            return scripted
        return make_run({f"{path}::test_new": "passed" for path in test_files})
