"""What the real worker records about CI reaches the dashboard's run page and API."""

from __future__ import annotations

from app.web.server import app_from_settings
from tests.app.harness import AppUnderTest
from tests.web.conftest import OPERATOR_TOKEN, dashboard_settings, serving

ADDS = "python3 -c 'import calc; assert calc.add(2, 3) == 5, \"add is wrong\"'"
BEARER = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}


async def test_the_run_page_shows_the_checks_the_worker_judged(app: AppUnderTest) -> None:
    app.github.ci.run_on_push("tests", ADDS, branch_prefix="autofix/", flaky_failures=1)
    app.github.ci.run_on_push("lint", "echo 'E999 style' && exit 1", branch_prefix="autofix/")
    app.github.advance_branch(
        "octo", "calc", "main", {".github/autofix.yml": "ci:\n  fix_attempts: 0\n"}
    )
    number = app.github.add_issue("octo", "calc", "add() subtracts", "2 + 2 gives 0")
    await app.deliver("issues", app.payloads.labeled(number))
    await app.work_off()
    await app.wait_for_run(number, "resolved", deadline_s=5)
    [run] = await app.store.list_runs()
    lint = max(
        (r for r in app.github.ci.runs.values() if r["name"] == "lint"), key=lambda r: r["id"]
    )

    settings = dashboard_settings(app.work, app.redis_url, app.github)
    async with serving(app_from_settings(settings), app.github) as web:
        api = await web.client.get(f"/api/runs/{run.id}", headers=BEARER)
        page = await web.client.get(f"/runs/{run.id}", headers=BEARER)

    panel = api.json()["ci"]["panel"]
    assert panel["outcome"] == "failed" and panel["flaky"] == ["tests"]
    assert [(c["name"], c["state"], c["url"]) for c in panel["checks"]] == [
        ("lint", "failure", lint["html_url"]),
        ("tests", "success", panel["checks"][1]["url"]),
    ]
    assert panel["head_sha"] == run.head_sha and panel["pr"] == run.pr_number
    assert f'<a href="{lint["html_url"]}" rel="noopener noreferrer">lint</a>' in page.text
