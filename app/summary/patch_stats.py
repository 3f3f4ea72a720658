"""Facts about a unified diff, computed by code (never asked of a model)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from scaling.diff import header_paths, unquote
from scaling.summary import PatchStats
from scaling.testpaths import is_test_path


class FileDelta(BaseModel):
    """Lines added and removed in one file of a diff."""

    model_config = ConfigDict(frozen=True)

    path: str
    insertions: int = 0
    deletions: int = 0


def _header_path(line: str) -> str | None:
    # "--- a/x" / "+++ b/x"; /dev/null marks an added or deleted file.
    target = line[4:].rstrip()
    target = unquote(target) if target.startswith('"') else target.split("\t")[0]
    if target == "/dev/null":
        return None
    return target[2:] if target[:2] in ("a/", "b/") else target


def file_deltas(diff: str) -> list[FileDelta]:
    """Per-file line counts of a `git diff` (binary files count with zero lines)."""
    files: list[dict[str, int | str]] = []
    in_hunk = False
    for line in diff.splitlines():
        if line.startswith("diff --git "):
            names = header_paths(line)  # unquotes paths git wrote quoted (non-ASCII)
            b_path = names[1] if names else line.partition(" b/")[2]
            files.append({"path": b_path, "insertions": 0, "deletions": 0})
            in_hunk = False
        elif not files:
            continue
        elif line.startswith("@@"):
            in_hunk = True
        elif not in_hunk and line.startswith(("--- ", "+++ ")):
            path = _header_path(line)
            if path is not None:
                files[-1]["path"] = path
        elif in_hunk and line.startswith("+"):
            files[-1]["insertions"] = int(files[-1]["insertions"]) + 1
        elif in_hunk and line.startswith("-"):
            files[-1]["deletions"] = int(files[-1]["deletions"]) + 1
    return [FileDelta.model_validate(f) for f in files]


def patch_stats(diff: str) -> PatchStats:
    """Files changed, lines inserted and deleted, and how many changed files are tests."""
    deltas = file_deltas(diff)
    return PatchStats(
        files_changed=len(deltas),
        insertions=sum(d.insertions for d in deltas),
        deletions=sum(d.deletions for d in deltas),
        test_files_changed=sum(1 for d in deltas if is_test_path(d.path)),
    )
