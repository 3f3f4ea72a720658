"""Sanitising issue text before it reaches an agent or a judge."""

from __future__ import annotations

import re
import unicodedata

from scaling.issue import Issue

# An unterminated comment hides everything after it from readers of the rendered issue,
# so it is stripped to the end as well.
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)

# Variation selectors carry no visible meaning in issue text and can smuggle hidden data.
_VARIATION_SELECTORS = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")

_KEPT_CONTROLS = {"\n", "\t"}


def _visible(char: str) -> bool:
    category = unicodedata.category(char)
    # Cf covers zero-width characters, bidi overrides/isolates, soft hyphens, BOMs and the
    # Unicode tag block: all invisible in GitHub's rendering, yet read by a model.
    if category == "Cf":
        return False
    return not (category == "Cc" and char not in _KEPT_CONTROLS)


def strip_invisible(text: str) -> str:
    """Remove invisible, bidirectional and control characters (keeps newlines and tabs)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _VARIATION_SELECTORS.sub("", text)
    return "".join(ch for ch in text if _visible(ch))


def strip_html_comments(text: str) -> str:
    """Remove `<!-- ... -->` comments, repeating until removal uncovers no new one."""
    while True:
        stripped = _HTML_COMMENT.sub("", text)
        if stripped == text:
            return text
        text = stripped


def sanitize(text: str) -> str:
    """What a maintainer sees on GitHub, minus hidden HTML comments and invisible characters."""
    # Invisible characters go first so they cannot break up a comment marker.
    return strip_html_comments(strip_invisible(text)).strip()


def sanitize_issue(issue: Issue) -> Issue:
    """Sanitise the title, body and every comment; comments left empty are dropped."""
    comments = tuple(c for c in (sanitize(c) for c in issue.comments) if c)
    return issue.model_copy(
        update={"title": sanitize(issue.title), "body": sanitize(issue.body), "comments": comments}
    )
