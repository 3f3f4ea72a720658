"""CI looks end: checks GitHub will never let autofix read again stop the polls once
`ci.timeout_s` is spent, instead of polling for as long as the record lives."""

from __future__ import annotations

import asyncio

from arq.constants import default_queue_name

from tests.app.harness import AppUnderTest


async def test_checks_that_stay_unreadable_stop_the_polls_after_the_ci_budget(
    app: AppUnderTest,
) -> None:
    # The repository left the installation's selection: every read of its checks is a 404.
    app.github.fail("GET", r"/commits/[0-9a-f]{40}/check-runs", status=404, times=10**6)
    app.github.advance_branch(
        "octo", "calc", "main", {".github/autofix.yml": "ci:\n  timeout_s: 60\n"}
    )
    number = app.github.add_issue("octo", "calc", "add() subtracts", "2 + 2 gives 0")
    await app.deliver("issues", app.payloads.labeled(number))

    # 60 s of CI clock is 0.1 s here; polls that never stop keep the burst worker going.
    await asyncio.wait_for(app.work_off(), timeout=60)

    assert await app.web.state.queue.zcard(default_queue_name) == 0
    status = str(app.status_comments(number)[-1]["body"])
    assert "could not be read" in status and "`ci.timeout_s`" in status


async def test_a_flood_of_ci_events_reads_the_checks_a_bounded_number_of_times(
    app: AppUnderTest,
) -> None:
    app.github.ci.run_on_push("tests", "true", branch_prefix="autofix/")
    number = app.github.add_issue("octo", "calc", "add() subtracts", "2 + 2 gives 0")
    await app.deliver("issues", app.payloads.labeled(number))
    await app.work_off()
    assert "all 1 check(s)" in str(app.status_comments(number)[-1]["body"])
    [pr] = app.pulls()
    hosted = app.github.state.repo("octo", "calc")
    assert hosted is not None
    events: list[tuple[str, dict[str, object]]] = []
    app.github.ci.webhook = lambda event, payload: events.append((event, payload))

    # Another app posts a status on autofix's head again and again: every one is an event
    # about the head, and each look costs several reads (and writes) of autofix's quota.
    app.ci_look_gap_s = 30.0
    reads = len(_check_run_reads(app))
    async with app.serving():
        for _ in range(40):
            app.github.ci.add_status(hosted, pr["head"]["sha"], "noise", "success")
            event, payload = events.pop()
            await app.deliver(event, payload)
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)

    # One look read the checks (twice: the verdict, then autofix's own check run to update);
    # the events after it share one later look.
    assert len(_check_run_reads(app)) - reads <= 2
    queued = await app.web.state.queue.zrange(default_queue_name, 0, -1)
    # The worker's own periodic jobs may be queued too; of looks, there is the one.
    looks = [job for job in queued if job.startswith(b"ci-")]
    assert looks == [f"ci-later:octo/calc:{pr['head']['sha']}".encode()]


def _check_run_reads(app: AppUnderTest) -> list[str]:
    return [
        r.path for r in app.github.requests if r.method == "GET" and r.path.endswith("/check-runs")
    ]


async def test_hundreds_of_failing_checks_are_not_each_re_run(app: AppUnderTest) -> None:
    app.github.ci.run_on_push("tests", "true", branch_prefix="autofix/")
    number = app.github.add_issue("octo", "calc", "add() subtracts", "2 + 2 gives 0")
    await app.deliver("issues", app.payloads.labeled(number))
    await app.work_off()
    [pr] = app.pulls()
    hosted = app.github.state.repo("octo", "calc")
    assert hosted is not None
    events: list[tuple[str, dict[str, object]]] = []
    app.github.ci.webhook = lambda event, payload: events.append((event, payload))

    # Another app fails 200 checks of its own on autofix's head: each re-request is a write
    # (paced a second apart on GitHub), so re-running them all would take the look past its
    # timeout, every time it looks.
    noisy = {"id": 4040, "slug": "noisy", "name": "Noisy"}
    for n in range(200):
        app.github.ci.add_check_run(
            hosted, pr["head"]["sha"], f"noise {n}", app=noisy, conclusion="failure"
        )
    await asyncio.sleep(0.1)  # past the gap between looks woken by events
    event, payload = events[-1]
    await app.deliver(event, payload)
    await app.work_off()

    asked = {r.path for r in app.github.requests if r.path.endswith("/rerequest")}
    assert 0 < len(asked) <= 5
    status = str(app.status_comments(number)[-1]["body"])
    assert "200 of 201 check(s)" in status and "Not re-run" in status
