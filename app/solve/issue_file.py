"""The issue `autofix solve` works on, read from a Markdown file."""

from __future__ import annotations

import re

from scaling.issue import Issue

_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$")


class IssueFileError(ValueError):
    """The issue file cannot be used; says how to fix it."""


def parse_issue_markdown(text: str, source: str) -> Issue:
    """The first `# heading` is the title; everything else (minus the heading) is the body."""
    lines = text.replace("\r\n", "\n").split("\n")
    for index, line in enumerate(lines):
        match = _HEADING.match(line)
        if match:
            body = "\n".join(lines[:index] + lines[index + 1 :]).strip()
            return Issue(title=match.group(1), body=body)
    if not text.strip():
        raise IssueFileError(f"{source} is empty: write the issue as Markdown, `# title` first")
    raise IssueFileError(
        f"{source} has no `# title` line: start the file with a level-one heading naming the issue"
    )
