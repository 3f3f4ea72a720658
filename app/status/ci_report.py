"""What CI said about autofix's head commit, as the status comment, PR body and check run
show it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from app.ci.verdict import CiVerdict
from app.config.ci import CiConfig
from app.status.render import cell
from app.status.templates import render

# Other apps choose their check names and links: only plain web addresses become links.
_SAFE_URL = re.compile(r"https?://[A-Za-z0-9._~:/?#@!$&'*+,;=%-]{1,400}")


def link(url: str | None) -> str | None:
    """`url` when it is a plain http(s) address that cannot break out of a Markdown link."""
    if url is None or not _SAFE_URL.fullmatch(url):
        return None
    return url


MAX_ROWS = 50
"""Checks listed in the CI table; another app can post thousands, GitHub takes 64 KiB."""
MAX_NAMES = 10
"""Check names listed in one sentence."""


def _visible(ch: str) -> str:
    # Any line ending (a lone carriage return is one to GitHub) would end a code span, and
    # with it the name's quoting; invisible format characters hide what a name says.
    category = unicodedata.category(ch)
    if category in ("Cc", "Zl", "Zp"):
        return " "
    return "" if category == "Cf" else ch


def name_of(name: str, limit: int = 120) -> str:
    """A check's name safe in a table cell, a code span and a link's text."""
    plain = "".join(_visible(ch) for ch in name)
    text = cell(plain).replace("`", "'").replace("[", "\\[").replace("]", "\\]")
    return text[:limit]


def names_of(names: Iterable[str], limit: int = MAX_NAMES) -> str:
    """Check names as code spans, at most `limit` of them and how many more there are."""
    found = list(names)
    shown = ", ".join(f"`{name_of(n, 80)}`" for n in found[:limit])
    more = len(found) - limit
    return f"{shown} and {more} more" if more > 0 else shown


def headline(verdict: CiVerdict, config: CiConfig) -> str:
    """One sentence: what CI said, or why it said nothing."""
    short = verdict.sha[:7]
    count = len(verdict.checks)
    if verdict.outcome == "passed":
        return f"all {count} check(s) on `{short}` passed."
    if verdict.outcome == "failed":
        names = names_of(c.name for c in verdict.failing)
        return f"{len(verdict.failing)} of {count} check(s) on `{short}` failed: {names}."
    if verdict.outcome == "no_ci":
        return (
            f"no check appeared on `{short}` within {config.appear_s} s: this repository's CI "
            "does not run on this pull request, so nothing waits for it."
        )
    if verdict.outcome == "timed_out":
        names = names_of(c.name for c in verdict.pending)
        return (
            f"still running on `{short}` after {config.timeout_s} s ({names}); autofix stopped "
            "waiting."
        )
    if verdict.outcome == "too_many":
        return (
            f"`{short}` has more checks than autofix reads (1000 of each kind); any of those "
            "not read could have failed, so CI cannot count as passed."
        )
    if not count:
        return f"no check on `{short}` yet; waiting up to {config.appear_s} s for one to appear."
    return f"waiting for {len(verdict.pending)} of {count} check(s) on `{short}`."


def flaky_note(verdict: CiVerdict) -> str:
    """The checks that failed and then passed on a re-run of the same commit, if any."""
    if not verdict.flaky:
        return ""
    names = names_of(verdict.flaky)
    return f"Flaky: {names} failed, then passed when re-run on the same commit (not a fix)."


def render_ci(verdict: CiVerdict, config: CiConfig, tries: tuple[str, ...] = ()) -> str:
    """The CI section: a headline, then each check with its conclusion and a link."""
    ordered = sorted(verdict.checks, key=lambda c: (c.state != "failure", c.name))
    rows = [
        (name_of(c.name), link(c.url), c.conclusion or c.state, c.kind) for c in ordered[:MAX_ROWS]
    ]
    return render(
        "ci.md.jinja",
        headline=headline(verdict, config),
        rows=rows,
        more=len(ordered) - len(rows),
        mode=config.mode,
        tries=tries,
        flaky=flaky_note(verdict),
    )


def _duration(seconds: float) -> str:
    whole = int(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes, rest = divmod(whole, 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


def budget_line(spent_s: float, wall_s: int) -> str:
    """The CI budget: how much of `ci.timeout_s` this run spent waiting for checks."""
    spent = min(max(spent_s, 0.0), float(wall_s))
    return (
        f"<sub>CI budget: waited {_duration(spent)} of {_duration(wall_s)} (`ci.timeout_s`, "
        "counted apart from the run's own budget).</sub>"
    )
