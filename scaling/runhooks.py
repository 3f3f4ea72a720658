"""Files a patch adds or changes that run code before or around the tests, or replace what the
tests link, without touching a test file (see `scaling.runnermarks`)."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from scaling.diff import FileDiff

# Files that change how JavaScript tests are found or compiled before they run.
_JS_BUILD = re.compile(
    r"^vitest\.workspace\.[cm]?[jt]s(?:on)?$|^babel\.config\.[cm]?js(?:on)?$|^\.babelrc"
)
# Package-manager settings that put code of the repository's choosing in every Node process.
_NODE_SETTINGS = frozenset({".npmrc", ".yarnrc", ".yarnrc.yml"})
# Lines of a manifest that run code around the tests or swap a dependency for another copy.
_HOOK_LINES: dict[str, tuple[str, re.Pattern[str]]] = {
    "package.json": (
        "npm scripts around the tests or dependency overrides",
        re.compile(r'"(?:pre|post)test\b[^"]*"\s*:|"(?:overrides|resolutions)"\s*:|"node-options"'),
    ),
    "Cargo.toml": (
        "a build script or replaced dependencies",
        re.compile(r"^\s*build\s*=|^\s*\[(?:patch|replace)\b"),
    ),
    "go.mod": ("a replaced module", re.compile(r"^\s*replace\b|=>")),
}


def hook_files(f: FileDiff) -> list[str]:
    """Files that run code before or around the tests, or replace what the tests link."""
    pure = PurePosixPath(f.path)
    if _JS_BUILD.search(pure.name):
        return [f"test runner configuration edited: {f.path}"]
    if ".cargo" in pure.parts[:-1] and pure.name in ("config", "config.toml"):
        return [
            f"cargo configuration edited (it can run test binaries through a program): {f.path}"
        ]
    if pure.name == "build.rs":
        return [f"build script added or changed (it runs before the tests compile): {f.path}"]
    if pure.name == "go.work":
        return [f"Go workspace file edited (it changes which modules the tests build): {f.path}"]
    if pure.parts[0] == "__mocks__":  # Jest uses these for node modules without being asked
        return [f"automatic mock of a dependency added or changed: {f.path}"]
    if "vendor" in pure.parts[:-1] or "node_modules" in pure.parts[:-1]:
        return [f"vendored dependency edited (test libraries and runners live there): {f.path}"]
    if pure.name in _NODE_SETTINGS:
        return [
            f"package manager settings edited (they can preload code into the runner): {f.path}"
        ]
    hook = _HOOK_LINES.get(pure.name)
    if hook is not None and any(hook[1].search(line) for line in f.added):
        return [f"{hook[0]} in {pure.name}: {f.path}"]
    return []
