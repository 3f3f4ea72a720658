"""Patch statistics come from the diff itself."""

from __future__ import annotations

from app.summary.patch_stats import file_deltas, patch_stats
from scaling.testpaths import is_test_path
from tests.summary.conftest import FIX_DIFF

MIXED = """diff --git a/old name.txt b/old name.txt
deleted file mode 100644
index 1111111..0000000
--- a/old name.txt
+++ /dev/null
@@ -1,2 +0,0 @@
-one
---two
diff --git a/logo.png b/logo.png
new file mode 100644
index 0000000..2222222
Binary files /dev/null and b/logo.png differ
diff --git a/src/app.spec.ts b/src/app.spec.ts
index 3333333..4444444 100644
--- a/src/app.spec.ts
+++ b/src/app.spec.ts
@@ -1 +1 @@
-+++ x
++++ y
"""


def test_counts_of_the_example_fix() -> None:
    stats = patch_stats(FIX_DIFF)
    assert (stats.files_changed, stats.insertions, stats.deletions) == (2, 7, 1)
    assert stats.test_files_changed == 1


def test_deleted_binary_and_tricky_lines() -> None:
    deltas = file_deltas(MIXED)
    assert [(d.path, d.insertions, d.deletions) for d in deltas] == [
        ("old name.txt", 0, 2),
        ("logo.png", 0, 0),
        ("src/app.spec.ts", 1, 1),
    ]
    assert patch_stats(MIXED).test_files_changed == 1
    assert patch_stats("").files_changed == 0


def test_test_paths() -> None:
    assert is_test_path("tests/unit/helpers.py")
    assert is_test_path("pkg/test_x.py") and is_test_path("conftest.py")
    assert is_test_path("web/button.test.tsx") and is_test_path("FooTest.java")
    assert not is_test_path("calc/stats.py") and not is_test_path("contest.py")


def test_a_quoted_non_ascii_test_path_counts_as_a_test() -> None:
    quoted = (
        'diff --git "a/tests/\\303\\274/test_x.py" "b/tests/\\303\\274/test_x.py"\n'
        "new file mode 100644\n--- /dev/null\n"
        '+++ "b/tests/\\303\\274/test_x.py"\n@@ -0,0 +1 @@\n+def test_x(): pass\n'
    )
    assert [d.path for d in file_deltas(quoted)] == ["tests/ü/test_x.py"]
    assert patch_stats(quoted).test_files_changed == 1
