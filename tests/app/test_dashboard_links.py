"""With a public address, a run's comment and PR link its dashboard page, which shows it live."""

from __future__ import annotations

from pathlib import Path

from redis.asyncio import Redis

from app.status.live import LiveBoard
from tests.app.harness import AppUnderTest
from tests.fakes.github_server import FakeGitHub

PUBLIC = "https://autofix.example.org"


async def test_comment_and_pr_link_the_run_page_and_progress_reaches_the_dashboard(
    github: FakeGitHub, fresh_redis_url: str, tmp_path: Path, key_pem: str
) -> None:
    app = AppUnderTest(github, fresh_redis_url, tmp_path, key_pem, public_url=PUBLIC)
    try:
        number = github.add_issue("octo", "calc", "add() subtracts", "2 + 2 gives 0")
        assert (await app.deliver("issues", app.payloads.labeled(number))).status_code == 202
        await app.work_off()
        run = (await app.store.list_runs(limit=1))[0]
        page = f"{PUBLIC}/runs/{run.id}"
        pulls = app.pulls()
        assert len(pulls) == 1 and f"]({page})" in pulls[0]["body"]
        status = app.status_comments(number)
        assert len(status) == 1 and f"]({page})" in status[0]["body"]
        redis = Redis.from_url(fresh_redis_url)
        try:
            progress = await LiveBoard(redis).read(run.id)
        finally:
            await redis.aclose()
        assert progress is not None and progress.phase in ("publishing", "done")
    finally:
        await app.aclose()


async def test_without_a_public_address_nothing_links_to_a_dashboard(app: AppUnderTest) -> None:
    number = app.github.add_issue("octo", "calc", "add() subtracts", "2 + 2 gives 0")
    await app.deliver("issues", app.payloads.labeled(number))
    await app.work_off()
    assert "/runs/" not in app.pulls()[0]["body"]
    assert "/runs/" not in app.status_comments(number)[0]["body"]
