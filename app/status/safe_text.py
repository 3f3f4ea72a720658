"""Model text made harmless for GitHub Markdown: no pings, no closing keywords, no remote images.

Everything a model writes (summaries, judge reasons, evidence) reaches pull request bodies and
comments. A prompt-injected issue could make it mention people or teams (notifications from
the App's account), close unrelated issues when the PR merges, or embed an image that reports
who read the page. Each is neutralised while the text stays readable.
"""

from __future__ import annotations

import re

# A zero-width space breaks GitHub's parsing of a mention or a keyword, and shows as nothing.
_ZWSP = "\u200b"

# `@user` or `@org/team`, not inside a word (an e-mail address is not a mention either way).
_MENTION = re.compile(r"(?<![\w@])@(?=[A-Za-z0-9][A-Za-z0-9-]*)")

# GitHub's closing keywords followed by an issue reference (`#1`, `o/r#1`, an issues URL).
_CLOSING = re.compile(
    r"\b(?P<kw>close[sd]?|fix(?:e[sd])?|resolve[sd]?)(?P<sep>:?\s+)"
    r"(?=(?:[\w.-]+/[\w.-]+)?#\d|https?://\S+/(?:issues|pull)/\d)",
    re.IGNORECASE,
)

# Markdown images (`![alt](url)`, `![alt][ref]`) become plain links; HTML that loads a
# resource by itself is shown as text.
_MD_IMAGE = re.compile(r"!(?=\[)")
_HTML_LOADING = re.compile(
    r"<(?=/?\s*(?:img|image|picture|source|video|audio|svg|iframe|object|embed|input|link|meta)\b)",
    re.IGNORECASE,
)


def _break_keyword(match: re.Match[str]) -> str:
    keyword = match.group("kw")
    return keyword[0] + _ZWSP + keyword[1:] + match.group("sep")


def neutralise(text: str) -> str:
    """`text` with mentions, closing keywords and self-loading images defused."""
    text = _MENTION.sub("@" + _ZWSP, text)
    text = _CLOSING.sub(_break_keyword, text)
    text = _MD_IMAGE.sub("", text)
    return _HTML_LOADING.sub("&lt;", text)
