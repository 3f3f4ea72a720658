"""One look at a head's checks: a failure is re-run once before it counts, a re-run not yet
visible is waited for, and the CI budget runs out on the waits of every head together."""

from __future__ import annotations

from app.ci.assess import assess
from app.ci.checks import CiCheck, CiSnapshot
from app.ci.verdict import judge
from app.config import CiConfig

OWN = 4242


def check(name: str, state: str, run_id: int, *, kind: str = "check_run") -> CiCheck:
    return CiCheck.model_validate(
        {"kind": kind, "name": name, "state": state, "app_id": 1, "check_run_id": run_id}
    )


def snap(*checks: CiCheck) -> CiSnapshot:
    return CiSnapshot(sha="a" * 40, checks=checks)


def test_a_first_failure_is_re_run_before_it_counts() -> None:
    found = assess(
        snap(check("tests", "failure", 10), check("lint", "success", 11)), CiConfig(), OWN, 5
    )

    assert [c.name for c in found.rerun] == ["tests"]
    assert not found.final


def test_the_old_failure_is_not_final_until_its_re_run_shows_up() -> None:
    failed = snap(check("tests", "failure", 10))
    config = CiConfig(appear_s=60)

    early = assess(failed, config, OWN, 5, reruns={"tests": 10}, rerun_age_s=30)
    late = assess(failed, config, OWN, 5, reruns={"tests": 10}, rerun_age_s=61)
    rerun_failed = assess(
        snap(check("tests", "failure", 12)), config, OWN, 5, reruns={"tests": 10}, rerun_age_s=1
    )

    assert (early.rerun, early.final) == ((), False)
    assert late.final and late.verdict.outcome == "failed"
    assert rerun_failed.final and rerun_failed.verdict.outcome == "failed"


def test_a_refused_re_run_makes_the_failure_final_at_once() -> None:
    found = assess(
        snap(check("lint", "failure", 10)), CiConfig(), OWN, 5, reruns={"lint": 0}, rerun_age_s=0
    )

    assert found.final and found.verdict.outcome == "failed"


def test_commit_statuses_are_never_re_run() -> None:
    status = CiCheck(kind="status", name="ci/jenkins", state="failure")

    found = assess(snap(status), CiConfig(), OWN, 5)

    assert found.rerun == () and found.final


def test_pending_and_passed_heads() -> None:
    assert not assess(snap(check("tests", "pending", 1)), CiConfig(), OWN, 5).final
    passed = assess(snap(check("tests", "success", 1)), CiConfig(), OWN, 5)
    assert passed.final and passed.verdict.outcome == "passed"


def test_the_ci_budget_runs_out_on_all_heads_together() -> None:
    running = snap(check("tests", "pending", 1))
    config = CiConfig(timeout_s=600)

    # 400 s on this head alone is inside the budget; with 300 s spent on earlier heads it is not.
    assert judge(running, config, OWN, 400).outcome == "pending"
    assert judge(running, config, OWN, 400, spent_s=300).outcome == "timed_out"
    assert assess(running, config, OWN, 400, spent_s=300).final


def test_a_pass_is_held_until_a_slower_ci_had_its_chance() -> None:
    passed = snap(check("tests", "success", 1))
    config = CiConfig(mode="gate", appear_s=120)

    early = assess(passed, config, OWN, 30, hold_pass_s=120)
    late = assess(passed, config, OWN, 121, hold_pass_s=120)

    assert early.verdict.outcome == "passed" and not early.final
    assert late.final
