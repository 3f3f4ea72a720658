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
