"""The run page and `/api/runs/{id}` show what the repository's CI said about the run's PR."""

from __future__ import annotations

import re

import redis.asyncio as aioredis

from app.ci.follow import CiFollow
from app.ci.keys import follow_key
from app.ci.verdict import CiVerdict
from app.settings import Settings
from app.store import Store
from app.web.server import app_from_settings
from tests.fakes.github_server import FakeGitHub
from tests.services import free_port
from tests.web.conftest import HIDDEN, OPERATOR_TOKEN, Browserless, Clock, serving
from tests.web.samples import (
    HEAD,
    SCRIPT,
    ci_check,
    ci_record,
    failed_ci,
    finished_result,
    save_ci,
    seed_run,
)

BEARER = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}


async def save(settings: Settings, state: CiFollow) -> None:
    await save_ci(settings.redis_url, state)


async def test_run_page_shows_each_check_the_verdict_flakes_tries_notes_and_budget(
    web: Browserless, store: Store, settings: Settings, clock: Clock
) -> None:
    run_id = await seed_run(store, "octo/visible", 7, result=finished_result(4, 1))
    state = ci_record(
        run_id,
        "octo/visible",
        107,
        failed_ci(),
        head_since=clock.now - 500,
        spent_s=240.0,
        settled=True,
        tries=("`r0-1`: CI failed (`unit tests`)",),
        notes=("CI failed; a refinement round starts with what CI said.",),
    )
    await save(settings, state)

    page = await web.client.get(f"/runs/{run_id}", headers=BEARER)
    assert page.status_code == 200
    html = page.text
    section = re.search(r'<section class="ci" id="ci">.*?</section>', html, re.S)
    assert section is not None, "the run page has a CI section"
    ci = section.group(0)
    assert 'data-field="ci-verdict">failed<' in ci
    assert '<a href="https://ci.example/runs/11" rel="noopener noreferrer">unit tests</a>' in ci
    assert '<a href="https://ci.example/runs/12" rel="noopener noreferrer">lint</a>' in ci
    assert "<td>docs</td>" in ci, "a check without a link is named without one"
    assert ci.index("unit tests") < ci.index("lint"), "failures first"
    assert "Flaky" in ci and "<code>lint</code>" in ci
    assert "CI failed (`unit tests`)" in ci, "gate-mode tries"
    assert "a refinement round starts with what CI said" in ci, "what autofix did"
    assert "waited 4 min of 30 min" in ci, "a settled head spends no more of the budget"
    assert "CI results update on reload" in ci
    assert "private log text" not in html, "checks' output stays out of the page"

    api = await web.client.get(f"/api/runs/{run_id}", headers=BEARER)
    assert api.status_code == 200
    panel = api.json()["ci"]["panel"]
    assert panel["outcome"] == "failed" and panel["verdict"] == "failed"
    assert [(c["name"], c["result"], c["url"]) for c in panel["checks"]] == [
        ("unit tests", "failure", "https://ci.example/runs/11"),
        ("docs", "success", None),
        ("lint", "success", "https://ci.example/runs/12"),
    ]
    assert panel["flaky"] == ["lint"] and panel["spent_s"] == 240.0
    assert panel["timeout_s"] == 1800 and panel["mode"] == "evidence"
    assert panel["notes"] == list(state.notes) and panel["tries"] == list(state.tries)


async def test_a_head_waiting_for_checks_counts_its_wait_against_the_ci_budget(
    web: Browserless, store: Store, settings: Settings, clock: Clock
) -> None:
    run_id = await seed_run(store, "octo/visible", 8, result=finished_result(4, 1))
    # The last verdict shown is of an earlier head: it says nothing about this one.
    old = ci_check("old", "failure", "x", None)
    stale = CiVerdict(outcome="failed", sha="b" * 40, checks=(old,))
    await save(settings, ci_record(run_id, "octo/visible", 108, stale, head_since=clock.now - 90))
    api = await web.client.get(f"/api/runs/{run_id}", headers=BEARER)
    panel = api.json()["ci"]["panel"]
    assert panel["outcome"] is None and panel["verdict"] == "waiting for checks"
    assert panel["checks"] == [] and panel["spent_s"] == 90.0
    page = await web.client.get(f"/runs/{run_id}", headers=BEARER)
    assert "waiting for checks" in page.text and "waited 1 min 30 s of 30 min" in page.text
    assert ">old<" not in page.text


async def test_hostile_check_names_links_and_notes_are_escaped_and_never_scripted(
    web: Browserless, store: Store, settings: Settings
) -> None:
    run_id = await seed_run(store, "octo/visible", 9, result=finished_result(4, 1))
    hostile_urls = (
        "javascript:alert(document.cookie)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        'https://ci.example/" onmouseover="alert(1)',
    )
    verdict = CiVerdict(
        outcome="failed",
        sha=HEAD,
        checks=tuple(
            ci_check(f"{SCRIPT} check {n}", "failure", SCRIPT, url, check_run_id=n)
            for n, url in enumerate(hostile_urls)
        ),
        flaky=(SCRIPT,),
    )
    await save(
        settings,
        ci_record(run_id, "octo/visible", 109, verdict, tries=(SCRIPT,), notes=(SCRIPT,)),
    )
    page = await web.client.get(f"/runs/{run_id}", headers=BEARER)
    assert page.status_code == 200
    html = page.text
    assert SCRIPT not in html and "<script>alert" not in html
    assert html.count("&lt;script&gt;document.title=") >= 4 + 3, "names, results, flake, notes"
    assert "javascript:" not in html.lower() and "data:text" not in html
    assert 'onmouseover="' not in html
    hrefs = re.findall(r'<section class="ci".*?</section>', html, re.S)[0]
    assert "<a href" not in hrefs, "no hostile address becomes a link"

    api = (await web.client.get(f"/api/runs/{run_id}", headers=BEARER)).json()
    assert [c["url"] for c in api["ci"]["panel"]["checks"]] == [None] * len(hostile_urls)


async def test_a_later_run_on_the_same_pull_request_shows_the_ci_not_this_one(
    web: Browserless, store: Store, settings: Settings
) -> None:
    first = await seed_run(store, "octo/visible", 10, result=finished_result(4, 1))
    later = await seed_run(
        store, "octo/visible", 10, result=finished_result(4, 1), delivery="fix-attempt"
    )
    await save(settings, ci_record(later, "octo/visible", 110, failed_ci()))

    old_page = await web.client.get(f"/runs/{first}", headers=BEARER)
    assert f'href="/runs/{later}#ci"' in old_page.text
    assert "unit tests" not in old_page.text, "the later run's checks are not this run's"
    old_api = (await web.client.get(f"/api/runs/{first}", headers=BEARER)).json()
    assert old_api["ci"] == {"panel": None, "later_run": later, "unreadable": False}

    new_page = await web.client.get(f"/runs/{later}", headers=BEARER)
    assert "https://ci.example/runs/11" in new_page.text


async def test_runs_without_a_ci_record_or_with_an_unreadable_one_show_no_ci(
    web: Browserless, store: Store, settings: Settings
) -> None:
    plain = await seed_run(store, "octo/visible", 11, result=finished_result(4, 1))
    broken = await seed_run(store, "octo/visible", 12, result=finished_result(4, 1))
    redis = aioredis.Redis.from_url(settings.redis_url)
    try:
        await redis.set(follow_key("octo/visible", 112), "{not json")
    finally:
        await redis.aclose()
    for run_id in (plain, broken):
        page = await web.client.get(f"/runs/{run_id}", headers=BEARER)
        assert page.status_code == 200 and 'id="ci"' not in page.text
        api = await web.client.get(f"/api/runs/{run_id}", headers=BEARER)
        assert api.json()["ci"] is None


async def test_ci_of_a_hidden_repository_is_never_shown_to_a_person_who_cannot_see_it(
    web: Browserless, store: Store, settings: Settings
) -> None:
    hidden = await seed_run(store, HIDDEN, 13, result=finished_result(4, 1))
    await save(settings, ci_record(hidden, HIDDEN, 113, failed_ci()))
    await web.sign_in()
    for path in (f"/runs/{hidden}", f"/api/runs/{hidden}"):
        answer = await web.client.get(path)
        assert answer.status_code == 404
        assert "ci.example" not in answer.text and "unit tests" not in answer.text


async def test_the_run_page_still_answers_when_redis_cannot_be_reached(
    github: FakeGitHub, store: Store, settings: Settings
) -> None:
    run_id = await seed_run(store, "octo/visible", 14, result=finished_result(4, 1))
    # The same store, with Redis on a port nothing listens on.
    down = settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{free_port()}/0"})
    async with serving(app_from_settings(down), github) as web:
        page = await web.client.get(f"/runs/{run_id}", headers=BEARER)
        api = await web.client.get(f"/api/runs/{run_id}", headers=BEARER)
    assert page.status_code == 200 and "could not be read just now" in page.text
    assert api.status_code == 200
    assert api.json()["ci"] == {"panel": None, "later_run": None, "unreadable": True}
