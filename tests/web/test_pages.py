"""The run pages and the JSON API, as an operator and as a signed-in person."""

from __future__ import annotations

import re

import redis.asyncio as aioredis

from app.settings import Settings
from app.status.live import LiveBoard
from app.status.tracker import RunTracker
from app.store import Store
from scaling.events import RolloutStarted
from scaling.rollout import Rollout
from tests.web.conftest import HIDDEN, OPERATOR_TOKEN, Browserless
from tests.web.samples import SCRIPT, finished_result, seed_run, write_trajectory

BEARER = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}


async def test_run_page_shows_rounds_gates_bracket_summaries_spend_and_pr(
    web: Browserless, store: Store
) -> None:
    result = finished_result(16, 2)
    run_id = await seed_run(store, "octo/visible", 7, result=result)
    page = await web.client.get(f"/runs/{run_id}", headers=BEARER)
    assert page.status_code == 200
    html = page.text
    assert "octo/visible#7" in html and "/octo/visible/issues/7" in html
    assert "median() is wrong for even-sized lists" in html and "Seen on 1.4 too." in html
    assert "Round 0" in html and "Round 1" in html
    for record in result.rollouts:
        assert f"/runs/{run_id}/rollouts/{record.id}" in html
    svg = re.search(r"<svg class=\"bracket\".*?</svg>", html, re.S)
    assert svg is not None, "the tournament is drawn inline"
    for match in result.matches:
        for candidate in match.candidates:
            assert f">{candidate}<" in svg.group(0) or f">{candidate} (" in svg.group(0)
    assert ">3</text>" in svg.group(0) and ">1</text>" in svg.group(0), "votes per entrant"
    assert "Tampering" in html and "conftest.py added" in html
    assert "tests/test_stats.py::test_median_even" in html, "per-test evidence"
    assert "$4.20" in html and "$10.00 budget" in html
    assert "the budget could not cover it" in html
    assert "https://github.example/octo/visible/pull/107" in html
    assert "Average the middle pair" in html
    assert "rollouts" in html and "tests.command" in html, "the run's configuration"


async def test_hostile_text_is_escaped_everywhere(
    web: Browserless, store: Store, settings: Settings
) -> None:
    result = finished_result(4, 1, hostile=SCRIPT)
    run_id = await seed_run(store, "octo/visible", 3, result=result)
    write_trajectory(
        settings.work_dir / "runs" / str(run_id) / "trajectories", "r0-0", output=SCRIPT
    )
    patch = f"--- a/calc.py\n+++ b/calc.py\n@@ -1 +1 @@\n-x\n+{SCRIPT}\n"
    await store.record_rollout(
        run_id,
        Rollout(rollout_id="r0-0", round=0, index=0, exit_status="submitted", patch=patch, steps=3),
    )
    for path in (f"/runs/{run_id}", f"/runs/{run_id}/rollouts/r0-0"):
        page = await web.client.get(path, headers=BEARER)
        assert page.status_code == 200
        assert SCRIPT not in page.text and "<script>document" not in page.text
        assert "&lt;script&gt;document.title=" in page.text
        policy = page.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    rollout_page = await web.client.get(f"/runs/{run_id}/rollouts/r0-0", headers=BEARER)
    assert "+++ b/calc.py" in rollout_page.text, "the rollout's patch is shown, escaped"


async def test_rollout_page_shows_the_trajectory_beside_the_summary(
    web: Browserless, store: Store, settings: Settings
) -> None:
    run_id = await seed_run(store, "octo/visible", 3, result=finished_result(4, 1))
    long_output = "start-of-output\n" + "x" * 20_000 + "\nend-of-output"
    write_trajectory(
        settings.work_dir / "runs" / str(run_id) / "trajectories", "r0-1", output=long_output
    )
    page = await web.client.get(f"/runs/{run_id}/rollouts/r0-1", headers=BEARER)
    assert page.status_code == 200
    html = page.text
    assert "$ pytest -q -k step1" in html and "exit 1" in html and "exit 0" in html
    assert "start-of-output" in html and "end-of-output" in html
    assert "characters of output left out" in html and "x" * 10_000 not in html
    assert "Average the middle pair" in html, "the summary sits beside the trajectory"
    missing = await web.client.get(f"/runs/{run_id}/rollouts/r9-9", headers=BEARER)
    assert missing.status_code == 404
    traversal = await web.client.get(f"/runs/{run_id}/rollouts/..%2F..%2Fetc", headers=BEARER)
    assert traversal.status_code == 404


async def test_runs_list_filters_and_pages_newest_first(web: Browserless, store: Store) -> None:
    ids = [await seed_run(store, "octo/visible", n, status="unresolved") for n in range(1, 8)]
    ids.append(await seed_run(store, "acme/tools", 1, status="running"))
    first = (await web.client.get("/api/runs", params={"limit": 3}, headers=BEARER)).json()
    assert [run["id"] for run in first["runs"]] == ids[::-1][:3]
    second = (
        await web.client.get(
            "/api/runs", params={"limit": 3, "before": first["older"]}, headers=BEARER
        )
    ).json()
    assert [run["id"] for run in second["runs"]] == ids[::-1][3:6]
    running = (await web.client.get("/api/runs?status=running", headers=BEARER)).json()
    assert [run["repo"] for run in running["runs"]] == ["acme/tools"]
    acme = (await web.client.get("/api/runs?repo=acme/tools", headers=BEARER)).json()
    assert len(acme["runs"]) == 1
    page = await web.client.get("/?status=unresolved", headers=BEARER)
    assert page.status_code == 200 and "acme/tools" not in page.text
    assert page.text.count('data-run="') == 7


async def test_api_answers_the_documented_fields_and_the_full_result(
    web: Browserless, store: Store
) -> None:
    result = finished_result(4, 1)
    run_id = await seed_run(store, "octo/visible", 9, result=result)
    listed = (await web.client.get("/api/runs", headers=BEARER)).json()["runs"][0]
    assert set(listed) == {
        "id",
        "repo",
        "issue",
        "status",
        "winner",
        "pr_url",
        "created_at",
        "cost_usd",
    }
    assert listed["winner"] == "r0-0" and listed["issue"] == 9 and listed["status"] == "resolved"
    one = (await web.client.get(f"/api/runs/{run_id}", headers=BEARER)).json()
    assert one["result"] == result.model_dump(mode="json")
    assert one["pr_url"].endswith("/pull/109")


async def test_signed_in_person_filtering_by_a_hidden_repository_sees_nothing(
    web: Browserless, store: Store
) -> None:
    await seed_run(store, HIDDEN, 1, status="unresolved")
    await web.sign_in()
    page = await web.client.get("/", params={"repo": HIDDEN})
    assert page.status_code == 200
    assert 'data-run="' not in page.text
    options = re.findall(r"<option value=\"([^\"]*)\"", page.text)
    assert HIDDEN not in options and "octo/visible" in options


async def test_a_running_rollouts_trajectory_is_shown_while_it_grows(
    web: Browserless, store: Store, settings: Settings
) -> None:
    run_id = await seed_run(store, "octo/visible", 5, status="running")
    tracker = RunTracker(phase="running")
    tracker.emit(RolloutStarted(rollout_id="r0-0", round=0))
    redis = aioredis.Redis.from_url(settings.redis_url)
    try:
        await LiveBoard(redis).publish(run_id, tracker)
    finally:
        await redis.aclose()
    write_trajectory(
        settings.work_dir / "runs" / str(run_id) / "trajectories", "r0-0", output="collected 3"
    )
    page = await web.client.get(f"/runs/{run_id}/rollouts/r0-0", headers=BEARER)
    assert page.status_code == 200
    assert "Still running" in page.text and "collected 3" in page.text
    other = await web.client.get(f"/runs/{run_id}/rollouts/r0-1", headers=BEARER)
    assert other.status_code == 404, "only rollouts the run has started"
