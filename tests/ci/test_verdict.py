"""The CI verdict: which checks count and what they add up to."""

from __future__ import annotations

import pytest

from app.ci.checks import CiCheck, CiSnapshot, run_state, status_state
from app.ci.verdict import judge
from app.config import CiConfig

OWN = 4242


def run(name: str, state: str = "success", *, app: int = 1, run_id: int = 1) -> CiCheck:
    return CiCheck(kind="check_run", name=name, state=state, app_id=app, check_run_id=run_id)


def snap(*checks: CiCheck, suites_pending: int = 0) -> CiSnapshot:
    return CiSnapshot(sha="a" * 40, checks=checks, suites_pending=suites_pending)


def test_autofix_own_check_never_counts() -> None:
    verdict = judge(snap(run("autofix", "failure", app=OWN)), CiConfig(), OWN, waited_s=0)
    assert verdict.outcome == "pending" and verdict.checks == ()
    later = judge(snap(run("autofix", "success", app=OWN)), CiConfig(), OWN, waited_s=120)
    assert later.outcome == "no_ci"


def test_ignored_checks_never_count_whatever_their_case() -> None:
    config = CiConfig(ignore=("Netlify/Deploy-Preview",))
    checks = snap(run("netlify/deploy-preview", "failure"), run("tests"))
    assert judge(checks, config, OWN, waited_s=5).outcome == "passed"


def test_required_only_counts_required_checks_when_protection_was_read() -> None:
    config = CiConfig(required_only=True)
    checks = snap(run("docs", "failure"), run("tests"))
    assert judge(checks, config, OWN, 5, required=frozenset({"tests"})).outcome == "passed"
    # Unreadable protection: every check counts rather than none.
    assert judge(checks, config, OWN, 5, required=None).outcome == "failed"


def test_pending_until_all_complete_then_failed_if_any_failed() -> None:
    checks = snap(run("lint", "failure"), run("tests", "pending", run_id=2))
    assert judge(checks, CiConfig(), OWN, waited_s=10).outcome == "pending"
    done = snap(run("lint", "failure"), run("tests", "success", run_id=2))
    verdict = judge(done, CiConfig(), OWN, waited_s=10)
    assert verdict.outcome == "failed" and [c.name for c in verdict.failing] == ["lint"]


def test_a_queued_suite_without_runs_means_ci_is_coming() -> None:
    assert judge(snap(suites_pending=1), CiConfig(), OWN, waited_s=600).outcome == "pending"


def test_timeout_reports_failures_so_far_or_timed_out() -> None:
    config = CiConfig(timeout_s=600)
    stuck = snap(run("tests", "pending"))
    assert judge(stuck, config, OWN, waited_s=600).outcome == "timed_out"
    partly = snap(run("tests", "pending"), run("lint", "failure", run_id=2))
    assert judge(partly, config, OWN, waited_s=600).outcome == "failed"


def test_the_newest_run_of_a_check_is_its_answer() -> None:
    rerun = snap(run("tests", "success", run_id=9), run("tests", "failure", run_id=3))
    verdict = judge(rerun, CiConfig(), OWN, waited_s=1)
    assert verdict.outcome == "passed" and len(verdict.checks) == 1


def test_no_check_after_appear_s_is_no_ci() -> None:
    config = CiConfig(appear_s=30)
    assert judge(snap(), config, OWN, waited_s=29).outcome == "pending"
    assert judge(snap(), config, OWN, waited_s=30).outcome == "no_ci"


@pytest.mark.parametrize(
    ("conclusion", "state"),
    [
        ("success", "success"),
        ("neutral", "neutral"),
        ("skipped", "skipped"),
        ("timed_out", "failure"),
        ("cancelled", "failure"),
        ("action_required", "failure"),
        ("something-new", "failure"),
        (None, "failure"),
    ],
)
def test_completed_conclusions_that_are_not_a_pass_are_failures(
    conclusion: str | None, state: str
) -> None:
    assert run_state("completed", conclusion) == state
    assert run_state("in_progress", None) == "pending"


def test_commit_status_states() -> None:
    assert [status_state(s) for s in ("success", "pending", "failure", "error", None)] == [
        "success",
        "pending",
        "failure",
        "failure",
        "failure",
    ]


def test_another_apps_check_of_the_same_name_cannot_shadow_a_failure() -> None:
    # Any app installed on the repository may post a check run named like the failing one;
    # only a newer run from the same app (a re-run) replaces a failure.
    failed = run("tests", "failure", app=15368, run_id=10)
    shadow = run("tests", "success", app=9001, run_id=11)

    verdict = judge(snap(failed, shadow), CiConfig(), OWN, waited_s=5)

    assert verdict.outcome == "failed" and verdict.flaky == ()
    assert [c.app_id for c in verdict.failing] == [15368]
    rerun = run("tests", "success", app=15368, run_id=12)
    assert judge(snap(failed, shadow, rerun), CiConfig(), OWN, waited_s=5).outcome == "passed"


def test_a_required_check_that_has_not_reported_is_waited_for_not_taken_as_no_ci() -> None:
    # Branch protection requires `build`; it is slow to report (or another app's checks are
    # all that ran). GitHub would show it as expected and block the merge.
    config = CiConfig(required_only=True, appear_s=60, timeout_s=600)
    required = frozenset({"build"})
    others = snap(run("docs"))

    waiting = judge(others, config, OWN, 300, required)
    late = judge(snap(), config, OWN, 300, required)
    given_up = judge(others, config, OWN, 600, required)

    assert (waiting.outcome, late.outcome, given_up.outcome) == ("pending", "pending", "timed_out")
    assert [c.name for c in given_up.pending] == ["build"]
    reported = judge(snap(run("build", "failure"), run("docs")), config, OWN, 300, required)
    assert reported.outcome == "failed"


def test_a_required_check_pinned_to_an_app_is_not_stood_in_for_by_another() -> None:
    # Protection requires `build` from GitHub Actions; another app posts a passing `build`
    # before Actions reports (a commit-status CI would announce no suite either).
    config = CiConfig(required_only=True)
    required, pinned = frozenset({"build"}), {"build": 15368}
    impostor = snap(run("build", app=666))

    verdict = judge(impostor, config, OWN, 300, required, pinned=pinned)

    assert verdict.outcome == "pending" and [c.app_id for c in verdict.checks] == [None]
    real = snap(run("build", app=666), run("build", "failure", app=15368, run_id=2))
    assert judge(real, config, OWN, 300, required, pinned=pinned).outcome == "failed"
