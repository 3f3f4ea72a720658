"""autofix's marked section of a PR description: replaced alone, everything else kept."""

from __future__ import annotations

from app.github.pr_text import BEGIN, END, merge_body


def test_a_new_description_is_only_autofix_section() -> None:
    assert merge_body(None, "summary\n") == f"{BEGIN}\nsummary\n{END}"


def test_an_update_replaces_only_the_section() -> None:
    before = f"Maintainer intro\n\n{BEGIN}\nold\n{END}\n\nMaintainer outro"
    assert (
        merge_body(before, "new") == f"Maintainer intro\n\n{BEGIN}\nnew\n{END}\n\nMaintainer outro"
    )


def test_a_description_without_the_markers_is_kept_whole() -> None:
    # A maintainer removed the markers (or autofix wrote it before it marked its section).
    assert merge_body("All mine now.", "new") == f"All mine now.\n\n{BEGIN}\nnew\n{END}"


def test_a_lone_or_reversed_marker_keeps_the_text_too() -> None:
    lone = f"{END} then {BEGIN} text"
    assert merge_body(lone, "new").startswith(lone)


def test_a_stray_end_marker_before_the_section_is_left_where_it_is() -> None:
    before = f"quoting {END} here\n{BEGIN}\nold\n{END}"
    assert merge_body(before, "new") == f"quoting {END} here\n{BEGIN}\nnew\n{END}"
