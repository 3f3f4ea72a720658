"""Issue text reaches the agent as a maintainer sees it on GitHub: no hidden parts."""

from __future__ import annotations

import pytest

from app.issue_text import sanitize, sanitize_issue, strip_invisible
from scaling.issue import Issue


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a<!-- hidden -->b", "ab"),
        ("a<!--\nmulti\nline\n-->b<!-- two -->c", "abc"),
        ("keep <!-- unterminated, hides the rest", "keep"),
        ("<!<!-- x -->-- nested -->ok", "ok"),
        ("<!-\u200b- split marker -->ok", "ok"),
        ("zero\u200bwidth\u200c\u200d\u2060\ufeff", "zerowidth"),
        ("bidi \u202eevil\u202c \u2066iso\u2069", "bidi evil iso"),
        ("tags\U000e0049\U000e0067\U000e006e", "tags"),
        ("soft\u00adhyphen and vs\ufe0f", "softhyphen and vs"),
        ("bell\x07 and\r\nnewline\ttab", "bell and\nnewline\ttab"),
        ("ünïcödé ✓ 日本", "ünïcödé ✓ 日本"),
    ],
)
def test_sanitize(raw: str, clean: str) -> None:
    assert sanitize(raw) == clean


def test_strip_invisible_keeps_html_comments() -> None:
    assert strip_invisible("<!-- keep -->\u200b") == "<!-- keep -->"


def test_sanitize_issue_cleans_every_part_and_drops_empty_comments() -> None:
    issue = Issue(
        title="Bug\u202e", body="Body<!-- x -->", comments=("<!-- only hidden -->", "ok\u200b"),
        number=3,
    )  # fmt: skip
    assert sanitize_issue(issue) == Issue(title="Bug", body="Body", comments=("ok",), number=3)
