"""The CI watcher: polls until a verdict, survives GitHub hiccups, stops at the timeout."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.ci.checks import CiCheck, CiSnapshot
from app.ci.verdict import CiVerdict
from app.config import CiConfig
from app.worker.ci_watch import CiWatcher

OWN = 7


@dataclass
class ScriptedCi:
    """Answers each read with the next snapshot (the last repeats); None raises."""

    answers: list[CiSnapshot | None]
    reads: int = 0

    async def ci_snapshot(self, sha: str, own_app_id: int) -> CiSnapshot:
        answer = self.answers[min(self.reads, len(self.answers) - 1)]
        self.reads += 1
        if answer is None:
            raise RuntimeError("502 Bad Gateway")
        return answer


@dataclass
class Clock:
    now: float = 0.0
    pauses: list[str] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    async def pause(self, key: str, timeout_s: float) -> None:
        self.pauses.append(key)
        self.now += timeout_s


def snap(state: str) -> CiSnapshot:
    run = CiCheck(kind="check_run", name="tests", state=state, app_id=1, check_run_id=1)
    return CiSnapshot(sha="abc", checks=(run,))


async def _watch(ci: ScriptedCi, config: CiConfig) -> tuple[CiVerdict, list[str], Clock]:
    clock = Clock()
    seen: list[str] = []

    async def heard(verdict: CiVerdict) -> None:
        seen.append(verdict.outcome)

    watcher = CiWatcher(ci, config, OWN, clock, clock.pause, poll_s=10)
    return await watcher.watch("Octo/Calc", "ABC", heard), seen, clock


async def test_polls_until_complete_and_reports_each_change_once() -> None:
    ci = ScriptedCi([snap("pending"), snap("pending"), None, snap("failure")])
    verdict, seen, clock = await _watch(ci, CiConfig())
    assert verdict.outcome == "failed" and seen == ["pending", "failed"]
    assert ci.reads == 4 and clock.pauses == ["autofix:ci:octo/calc:abc"] * 3


async def test_stops_at_the_timeout_even_when_github_keeps_failing() -> None:
    verdict, _, clock = await _watch(ScriptedCi([None]), CiConfig(timeout_s=60))
    assert verdict.outcome == "timed_out" and clock.now == 60
    stuck, _, _ = await _watch(ScriptedCi([snap("pending")]), CiConfig(timeout_s=60))
    assert stuck.outcome == "timed_out" and [c.name for c in stuck.pending] == ["tests"]


async def test_a_failed_actions_check_is_re_run_once_however_often_it_fails() -> None:
    def failed(run_id: int) -> CiSnapshot:
        run = CiCheck(
            kind="check_run",
            name="tests",
            state="failure",
            app_id=1,
            check_run_id=run_id,
            actions_job=True,
        )
        return CiSnapshot(sha="abc", checks=(run,))

    # Each re-run is a new job with a new id, failing again.
    ci = ScriptedCi([failed(1), failed(2), failed(3)])
    clock = Clock()
    asked: list[int] = []

    async def rerun(job_id: int) -> bool:
        asked.append(job_id)
        return True

    async def heard(verdict: CiVerdict) -> None:
        pass

    watcher = CiWatcher(ci, CiConfig(), OWN, clock, clock.pause, poll_s=10, rerun=rerun)
    verdict = await watcher.watch("octo/calc", "abc", heard)
    assert verdict.outcome == "failed" and asked == [1]
