"""A pull request's CI record: the structured verdict beside the section shown, in Redis."""

from __future__ import annotations

import redis.asyncio as aioredis

from app.ci.checks import CiCheck
from app.ci.follow import MAX_NOTES, CiFollow, CiRecords
from app.ci.keys import follow_key
from app.ci.verdict import CiVerdict

HEAD = "c" * 40


def follow() -> CiFollow:
    return CiFollow(
        repo="Octo/Repo",
        run_id=3,
        pr=12,
        url="https://github.example/octo/repo/pull/12",
        branch="autofix/issue-2",
        head_sha=HEAD,
        head_since=0.0,
        comment="comment",
    )


def test_the_verdict_shown_is_kept_without_the_checks_output_text() -> None:
    failing = CiCheck(kind="check_run", name="tests", state="failure", output="log " * 1000)
    verdict = CiVerdict(outcome="failed", sha=HEAD, checks=(failing,), flaky=("lint",))
    shown = follow().showing("**CI**: failed", verdict)
    assert shown.section == "**CI**: failed"
    assert shown.last is not None and shown.last.outcome == "failed"
    assert shown.last.checks[0].name == "tests" and shown.last.checks[0].output == ""
    assert shown.last.flaky == ("lint",)
    waiting = shown.showing("**CI**: waiting", None)
    assert waiting.last is None, "a new head has no verdict yet"


async def test_records_are_read_by_pull_request_whatever_the_repositorys_case(
    fresh_redis_url: str,
) -> None:
    redis = aioredis.Redis.from_url(fresh_redis_url)
    try:
        state = follow().showing("s", CiVerdict(outcome="passed", sha=HEAD))
        await redis.set(follow_key("octo/repo", 12), state.model_dump_json())
        found = await CiRecords(redis).load("OCTO/repo", 12)
        assert found == state
        assert await CiRecords(redis).load("octo/repo", 13) is None
        await redis.set(follow_key("octo/repo", 12), b"\xff not a record")
        assert await CiRecords(redis).load("octo/repo", 12) is None
    finally:
        await redis.aclose()


def test_a_check_that_flips_without_end_cannot_grow_the_notes_without_end() -> None:
    # Another app flips its check between failure and success on autofix's head, with a new
    # name each time: every verdict is acted on, and each adds a sentence.
    state = follow()
    for n in range(5000):
        state = state.with_note(f"CI still fails (`flip {n}`).").with_note("CI passed.")

    assert len(state.notes) <= MAX_NOTES
    assert state.notes[-2:] == ("CI still fails (`flip 4999`).", "CI passed.")
    assert state.notes.count("CI passed.") == 1
