"""Picking a candidate's test files out of its patch, with paths as git really writes them."""

from __future__ import annotations

from pathlib import Path

from app.testing import added_test_files, restrict_patch
from tests.fakes.example_repo import FIXED_MEDIAN, NEW_TEST, make_patch, make_repo


def test_quoted_non_ascii_test_paths_are_found_and_kept(tmp_path: Path) -> None:
    test = "tests/ü/test_even.py"
    patch = make_patch(make_repo(tmp_path), {"calc/stats.py": FIXED_MEDIAN, test: NEW_TEST})
    assert '"b/tests/\\303\\274/test_even.py"' in patch
    assert added_test_files(patch, ["tests"]) == [test]
    only = restrict_patch(patch, [test])
    assert "test_median_even_count" in only and "calc/stats.py" not in only
