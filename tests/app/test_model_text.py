"""Model text in PR bodies and comments cannot ping people, close other issues or load images."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from app.status.render import render_candidates, render_explain, render_pr_body, render_status
from app.status.safe_text import neutralise
from app.status.tracker import RunTracker
from scaling.result import CandidateRecord, GateResult, RunResult, Winner
from scaling.summary import Change, RolloutSummary

HOSTILE = (
    "Ping @octocat and @acme/security-team. Fixes #12, closes acme/other#3, "
    "Resolves: https://github.com/acme/other/issues/9 and fixed #4. "
    "![pixel](https://tracker.example/p.png) ![ref][img] <img src='https://tracker.example/t.gif'> "
    '<picture><source srcset="https://tracker.example/s.png"></picture>'
)

# How GitHub reads these, written independently of the defence.
MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9][A-Za-z0-9-]*")
CLOSING = re.compile(
    r"\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?):?\s+"
    r"(?:(?:[\w.-]+/[\w.-]+)?#\d+|https?://\S+/issues/\d+)",
    re.IGNORECASE,
)
IMAGE = re.compile(r"!\[|<\s*(?:img|picture|source|svg|video)\b", re.IGNORECASE)


def _hazards(text: str) -> list[str]:
    return [m.group(0) for p in (MENTION, CLOSING, IMAGE) for m in p.finditer(text)]


def _result() -> RunResult:
    summary = RolloutSummary(
        rollout_id="r0-0",
        approach=HOSTILE,
        changes=(Change(path="calc.py", what=HOSTILE, why=HOSTILE),),
        risks=(HOSTILE,),
    )
    return RunResult(
        status="resolved",
        winner=Winner(rollout_id="r0-0", round=0),
        rounds=1,
        candidates=(
            CandidateRecord(
                id="c1", round=0, rollout_ids=("r0-0",), count=1, patch_sha256="x", gate="passed"
            ),
        ),
        gates=(GateResult(rollout_id="r0-0", passed=True, reasons=(HOSTILE,)),),
        summary=summary,
        summaries=(summary,),
    )


def test_the_hostile_text_is_hostile_to_begin_with() -> None:
    assert len(_hazards(HOSTILE)) >= 9


@pytest.mark.parametrize(
    ("rendered", "shown"),
    [
        pytest.param(lambda: render_pr_body(7, _result()), "octocat", id="pr body"),
        pytest.param(lambda: render_candidates(_result()), "`c1`", id="candidates comment"),
        pytest.param(lambda: render_explain(_result()), "holdout", id="explain comment"),
        pytest.param(
            lambda: render_status(RunTracker(phase="failed", outcome=HOSTILE, advice=[HOSTILE])),
            "octocat",
            id="status comment",
        ),
    ],
)
def test_rendered_model_text_has_no_mentions_closing_keywords_or_images(
    rendered: Callable[[], str], shown: str
) -> None:
    text = rendered()
    assert shown in text, "the text itself is still shown"
    assert [h for h in _hazards(text) if h != "Closes #7"] == []


def test_the_pr_still_closes_its_own_issue() -> None:
    body = render_pr_body(7, _result())
    assert [m.group(0) for m in CLOSING.finditer(body)] == ["Closes #7"]


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("mail me at dev@example.com", "dev@example.com"),
        ("the fix is in #12 already", "the fix is in #12 already"),
        ("List<int> and a < b", "List<int> and a < b"),
    ],
)
def test_ordinary_text_reads_the_same(text: str, kept: str) -> None:
    assert kept in neutralise(text)
