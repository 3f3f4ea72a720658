"""Anyone who can read a repository can open a pull request from autofix's branch into another
base: autofix keeps to its own pull request, never edits, marks or follows the stranger's."""

from __future__ import annotations

from typing import Any

from tests.app.harness import AppUnderTest

# Candidate 1 (`a + b`) wins the tournament; this CI only accepts candidate 3 (`sum((a, b))`).
WANTS_SUM = "grep -q 'sum((a, b))' calc.py || { echo 'calc.py:2: expected sum()'; exit 1; }"
GATE = "ci:\n  mode: gate\n  fix_attempts: 0\npr:\n  draft: false\n"


async def test_a_strangers_pull_request_from_autofixs_branch_is_left_alone(
    app: AppUnderTest,
) -> None:
    app.github.ci.run_on_push("checks", WANTS_SUM, branch_prefix="autofix/")
    stranger = app.github.shapes.user("mallory", user_id=31337)
    opened: list[int] = []

    def stranger_opens_a_pull_request(event: str, payload: dict[str, Any]) -> None:
        if opened or payload.get("action") != "created":
            return
        hosted = app.github.state.repo("octo", "calc")
        assert hosted is not None
        number = next(hosted.numbers)
        # GitHub refuses a second open pull request only for the same head *and* base.
        app.github.state.pulls[("octo/calc", number)] = {
            "number": number,
            "title": "Ship it",
            "body": "mallory's words",
            "head": "autofix/issue-1",
            "base": "release",
            "draft": True,
            "state": "open",
            "user": stranger,
        }
        opened.append(number)

    app.github.ci.webhook = stranger_opens_a_pull_request
    app.github.advance_branch("octo", "calc", "main", {".github/autofix.yml": GATE})
    number = app.github.add_issue("octo", "calc", "add() subtracts", "2 + 2 gives 0")
    await app.deliver("issues", app.payloads.labeled(number))
    await app.work_off()

    pulls = {pr["number"]: pr for pr in app.pulls()}
    [theirs] = opened
    [ours] = [n for n in pulls if n != theirs]
    assert pulls[theirs]["body"] == "mallory's words" and pulls[theirs]["draft"] is True
    assert app.github.state.marked_ready == [("octo/calc", ours)]
    assert "all 1 check(s)" in pulls[ours]["body"]
