"""The pull request body: autofix owns one marked section, maintainers own the rest."""

from __future__ import annotations

BEGIN = "<!-- autofix:begin -->"
END = "<!-- autofix:end -->"


def merge_body(existing: str | None, ours: str) -> str:
    """`existing` with autofix's section replaced by `ours`; text outside it is kept as is.

    A body without the markers (a maintainer removed them, or autofix wrote it before it
    marked its section) is kept whole, with autofix's section after it.
    """
    section = f"{BEGIN}\n{ours.strip()}\n{END}"
    if not existing or not existing.strip():
        return section
    start = existing.find(BEGIN)
    end = existing.find(END, start) if start != -1 else -1
    if end == -1:
        return f"{existing.rstrip()}\n\n{section}"
    return existing[:start] + section + existing[end + len(END) :]
