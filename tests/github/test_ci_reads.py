"""Reading CI results through the real client from the fake GitHub and its fake CI."""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path

from app.ci.verdict import judge
from app.config import CiConfig
from app.github import GitHubClients, GitHubRepo, PublishRequest, publish
from app.status.ci_report import render_ci
from tests.fakes.github_server import FakeGitHub
from tests.github.test_publish import FILES, FIX_1, diff_of


def repo_of(fake: FakeGitHub, clients: GitHubClients) -> GitHubRepo:
    fake.add_repo("octo", "calc", files=FILES)
    fake.add_issue("octo", "calc", "Median is wrong")
    return GitHubRepo(clients, 1, "octo", "calc")


async def test_a_push_runs_the_fake_ci_and_its_result_is_read_as_another_apps_check(
    fake_github: FakeGitHub, github_clients: GitHubClients, tmp_path: Path
) -> None:
    repo = repo_of(fake_github, github_clients)
    fake_github.ci.run_on_push(
        "tests", "grep -q 's = sorted' calc/stats.py && echo FAILED: odd case >&2 && exit 1"
    )
    events: list[tuple[str, str]] = []
    fake_github.ci.webhook = lambda event, payload: events.append((event, payload["action"]))

    link = await publish(
        repo,
        PublishRequest(
            issue_number=1,
            issue_title="Median is wrong",
            patch=diff_of(tmp_path, {"calc/stats.py": FIX_1}),
            body="x",
        ),
    )
    fake_github.ci.wait()
    snapshot = await repo.ci_snapshot(link.head_sha, own_app_id=fake_github.app_id)

    [check] = snapshot.checks
    assert (check.name, check.state, check.conclusion, check.actions_job) == (
        "tests",
        "failure",
        "failure",
        True,
    )
    assert check.app_id != fake_github.app_id and check.url
    assert fake_github.ci.ran == [("tests", link.head_sha, "failure")]
    assert events == [("check_run", "created"), ("check_run", "completed")]
    assert check.check_run_id is not None
    log = await repo.actions_job_log(check.check_run_id)
    assert log is not None and "FAILED: odd case" in log


async def test_statuses_annotations_and_autofix_own_check_runs_are_all_read(
    fake_github: FakeGitHub, github_clients: GitHubClients
) -> None:
    repo = repo_of(fake_github, github_clients)
    hosted = fake_github.state.repo("octo", "calc")
    assert hosted is not None
    sha = hosted.ref_sha("refs/heads/main")
    assert sha is not None
    fake_github.ci.add_status(hosted, sha, "ci/lint", "pending")
    fake_github.ci.add_status(hosted, sha, "ci/lint", "error")
    run = fake_github.ci.add_check_run(hosted, sha, "types", conclusion="timed_out")
    fake_github.ci.annotations[run["id"]] = [
        {"path": "calc/stats.py", "start_line": 3, "annotation_level": "failure", "message": "bad"}
    ]
    await repo.create_check_run(sha, "autofix", status="completed", conclusion="success")

    snapshot = await repo.ci_snapshot(sha, own_app_id=fake_github.app_id)

    states = {(c.kind, c.name, c.state, c.app_id == fake_github.app_id) for c in snapshot.checks}
    assert states == {
        ("check_run", "autofix", "success", True),
        ("check_run", "types", "failure", False),
        ("status", "ci/lint", "failure", False),
    }
    assert await repo.check_run_annotations(run["id"]) == ["calc/stats.py:3: failure: bad"]
    assert await repo.actions_job_log(run["id"]) is None


async def test_a_failing_status_past_the_first_page_is_read(
    fake_github: FakeGitHub, github_clients: GitHubClients
) -> None:
    repo = repo_of(fake_github, github_clients)
    hosted = fake_github.state.repo("octo", "calc")
    assert hosted is not None
    sha = hosted.ref_sha("refs/heads/main")
    assert sha is not None
    # Another app posts passing statuses until the real one is pushed off the first page.
    for n in range(120):
        fake_github.ci.add_status(hosted, sha, f"noise/{n}", "success")
    fake_github.ci.add_status(hosted, sha, "ci/tests", "failure")

    snapshot = await repo.ci_snapshot(sha, own_app_id=fake_github.app_id)

    assert ("ci/tests", "failure") in {(c.name, c.state) for c in snapshot.checks}
    assert judge(snapshot, CiConfig(), fake_github.app_id, waited_s=5).outcome == "failed"


async def test_more_checks_than_autofix_reads_never_pass(
    fake_github: FakeGitHub, github_clients: GitHubClients
) -> None:
    repo = repo_of(fake_github, github_clients)
    hosted = fake_github.state.repo("octo", "calc")
    assert hosted is not None
    sha = hosted.ref_sha("refs/heads/main")
    assert sha is not None
    fake_github.max_per_page = 10  # ten pages of ten: the cap is reached with 100 runs
    noise = {"id": 777, "slug": "noise", "name": "Noise"}
    for n in range(100):
        fake_github.ci.add_check_run(hosted, sha, f"noise {n}", app=noise)
    fake_github.ci.add_check_run(hosted, sha, "tests", conclusion="failure")

    snapshot = await repo.ci_snapshot(sha, own_app_id=fake_github.app_id)
    verdict = judge(snapshot, CiConfig(), fake_github.app_id, waited_s=5)

    assert len(snapshot.checks) == 100 and snapshot.unread == 2  # a run and its suite
    assert verdict.outcome == "too_many"
    assert "more checks than autofix reads" in render_ci(verdict, CiConfig())


async def test_an_endless_job_log_is_read_only_so_far(
    fake_github: FakeGitHub, github_clients: GitHubClients
) -> None:
    repo = repo_of(fake_github, github_clients)
    hosted = fake_github.state.repo("octo", "calc")
    assert hosted is not None
    sha = hosted.ref_sha("refs/heads/main")
    assert sha is not None
    run = fake_github.ci.add_check_run(hosted, sha, "tests", conclusion="failure")
    # The job printed 256 MiB; holding all of it to keep 4 KB would take the worker's memory.
    fake_github.ci.endless_logs[run["id"]] = 256 * 1024 * 1024

    tail = await repo.actions_job_log(run["id"], max_bytes=4000)

    assert tail is not None and tail.endswith("x\n") and len(tail) < 4200
    assert "only the first" in tail
    assert fake_github.ci.log_bytes_sent < 64 * 1024 * 1024


async def test_giant_check_outputs_are_cut_page_by_page(
    fake_github: FakeGitHub, github_clients: GitHubClients
) -> None:
    repo = repo_of(fake_github, github_clients)
    hosted = fake_github.state.repo("octo", "calc")
    assert hosted is not None
    fake_github.max_per_page = 10
    # Another app's check runs each carry GitHub's largest output (64 KiB of summary and of
    # text): 20 of them on one commit, 100 on another.
    giant = {"id": 778, "slug": "giant", "name": "Giant"}
    peaks = []
    for count in (20, 100):
        sha = fake_github.advance_branch("octo", "calc", "main", {"n.txt": f"{count}\n"})
        for n in range(count):
            run = fake_github.ci.add_check_run(
                hosted, sha, f"giant {n}", app=giant, text="y" * 65_535
            )
            run["output"]["summary"] = "z" * 65_535
        await repo.ci_snapshot(sha, own_app_id=fake_github.app_id)  # warm: clients, token
        # GitHub's pages hold 100 runs, whose parsing sets off the collector of the reference
        # cycles each HTTP response is in; ten runs a page need it set off sooner.
        thresholds = gc.get_threshold()
        gc.set_threshold(50, 1, 1)
        tracemalloc.start()
        try:
            snapshot = await repo.ci_snapshot(sha, own_app_id=fake_github.app_id)
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
            gc.set_threshold(*thresholds)
        assert len(snapshot.checks) == count and all(len(c.output) <= 4001 for c in snapshot.checks)

    # Read page by page, 80 more giant runs (10 MB of output) never weigh on memory at once:
    # the reader holds a page and the cut outputs, not every page it read.
    assert peaks[1] - peaks[0] < 5 * 2**20, peaks


async def test_required_checks_say_which_app_protection_pins_them_to(
    fake_github: FakeGitHub, github_clients: GitHubClients
) -> None:
    repo = repo_of(fake_github, github_clients)
    fake_github.ci.required[("octo/calc", "main")] = ["build", "ci/lint"]
    fake_github.ci.required_apps[("octo/calc", "main")] = {"build": 15368}

    assert await repo.required_checks("main") == {"build": 15368, "ci/lint": None}
