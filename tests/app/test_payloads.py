from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.web.payloads import Account, Envelope
from app.web.routing import is_ignored_sender, route
from tests.app.examples import event_of, example_files, load_example

FILES = example_files()


def test_the_bundled_examples_are_present() -> None:
    assert len(FILES) > 50


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_real_payload_parses_and_routes(path: Path) -> None:
    envelope = Envelope.model_validate(json.loads(path.read_text()))
    assert envelope.sender is not None
    plan = route(event_of(path), "d-1", envelope, frozenset())
    if plan is not None:
        assert plan.trigger.delivery == "d-1"
        assert plan.trigger.number > 0


def test_labeled_issue_routes_to_a_label_trigger() -> None:
    env = Envelope.model_validate(load_example("issues.labeled.9.json"))
    plan = route("issues", "abc", env, frozenset())
    assert plan is not None
    t = plan.trigger
    assert (t.kind, t.repo, t.number, t.sender) == (
        "label",
        "Codertocat/Hello-World",
        1,
        "Codertocat",
    )
    assert t.label == "bug"
    assert plan.job_id == "evt:abc"


def test_a_label_trigger_carries_the_issue_text_of_the_signed_event() -> None:
    data = load_example("issues.labeled.9.json")
    data["issue"]["body"] = "as the maintainer saw it"
    plan = route("issues", "abc", Envelope.model_validate(data), frozenset())
    assert plan is not None and plan.trigger.body == "as the maintainer saw it"
    assert plan.trigger.title == data["issue"]["title"]


def test_only_title_and_body_edits_of_issues_route() -> None:
    data = load_example("issues.edited.0.json")
    for changes, kind in (({"body": {"from": "x"}}, "edit"), ({"title": {"from": "x"}}, "edit")):
        data["changes"] = changes
        plan = route("issues", "e", Envelope.model_validate(data), frozenset())
        assert plan is not None and plan.trigger.kind == kind
    data["changes"] = {"labels": {"from": []}}
    assert route("issues", "e", Envelope.model_validate(data), frozenset()) is None
    data["changes"] = {"body": {"from": "x"}}
    data["issue"]["pull_request"] = {"url": "x"}
    assert route("issues", "e", Envelope.model_validate(data), frozenset()) is None


def test_unlabeled_issue_routes_to_cancel() -> None:
    env = Envelope.model_validate(load_example("issues.unlabeled.24.json"))
    plan = route("issues", "abc", env, frozenset())
    assert plan is not None and plan.trigger.kind == "unlabel"


def test_comment_with_a_command_routes_and_plain_comment_does_not() -> None:
    data = load_example("issue_comment.created.0.json")
    assert route("issue_comment", "x", Envelope.model_validate(data), frozenset()) is None
    data["comment"]["body"] = "/autofix refine handle empty input"
    plan = route("issue_comment", "x", Envelope.model_validate(data), frozenset())
    assert plan is not None and plan.trigger.command is not None
    assert plan.trigger.command.argument == "handle empty input"
    assert plan.trigger.comment_id == data["comment"]["id"]


def test_reviews_on_autofix_branches_batch_by_review() -> None:
    review = load_example("pull_request_review.submitted.0.json")
    comment = load_example("pull_request_review_comment.created.0.json")
    assert route("pull_request_review", "r", Envelope.model_validate(review), frozenset()) is None
    for data in (review, comment):
        data["pull_request"]["head"]["ref"] = "autofix/issue-7"
    comment["comment"]["pull_request_review_id"] = review["review"]["id"]
    plans = [
        route("pull_request_review", "r1", Envelope.model_validate(review), frozenset()),
        route("pull_request_review_comment", "r2", Envelope.model_validate(comment), frozenset()),
    ]
    assert all(p is not None and p.trigger.kind == "review" for p in plans)
    assert len({p.job_id for p in plans if p}) == 1
    assert all(p.defer_s > 0 for p in plans if p)


def test_bots_are_ignored_unless_allow_listed() -> None:
    bot = Account(login="autofix[bot]", type="Bot")
    assert is_ignored_sender(bot, frozenset())
    assert not is_ignored_sender(bot, frozenset({"autofix[bot]"}))
    assert not is_ignored_sender(Account(login="octocat"), frozenset())
    data = load_example("issues.labeled.9.json")
    data["sender"] = {"login": "dependabot[bot]", "type": "Bot"}
    assert route("issues", "b", Envelope.model_validate(data), frozenset()) is None


def test_ping_and_unhandled_events_route_to_nothing() -> None:
    for name in ("ping.none.0.json", "issues.opened.15.json", "check_run.created.0.json"):
        env = Envelope.model_validate(load_example(name))
        assert route(name.split(".")[0], "p", env, frozenset()) is None
