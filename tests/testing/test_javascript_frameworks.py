"""Jest, Vitest and Mocha runs prepared by their frameworks, with the runners installed from
the npm registry once per session: reports, canaries and selection work with the real tools."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from scaling.reports import ReportError
from tests.testing.toolchain_runs import require, run_prepared, write_project

# Versions that run on Debian bookworm's Node 18 as well as on newer ones.
PACKAGES = ("jest@29.7.0", "vitest@1.6.0", "mocha@10.7.3")
CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
MEDIAN = "const median = (xs) => xs[Math.floor(xs.length / 2)];\n"


@pytest.fixture(scope="session")
def node_modules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One npm install of the three runners for the session."""
    require("node")
    if shutil.which("npm") is None:
        pytest.fail("npm is not installed; install it with `apt-get install -y npm`")
    root = tmp_path_factory.mktemp("npm")
    (root / "package.json").write_text('{"name": "runners", "version": "1.0.0"}\n')
    env = dict(os.environ)
    if Path(CA_BUNDLE).exists():
        env.setdefault("NODE_EXTRA_CA_CERTS", CA_BUNDLE)
    done = subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", *PACKAGES],
        cwd=root, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        pytest.fail(f"npm install {' '.join(PACKAGES)} failed:\n{done.stderr[-2000:]}")
    return root / "node_modules"


def project(tmp_path: Path, node_modules: Path, files: dict[str, str]) -> Path:
    root = write_project(tmp_path / "repo", files)
    (root / "node_modules").symlink_to(node_modules)
    return root


JEST = {
    "package.json": json.dumps({"name": "calc", "version": "1.0.0"}),
    "src/median.test.js": MEDIAN
    + "test('odd', () => expect(median([1, 2, 3])).toBe(2));\n"
    + "describe('median', () => {\n"
    + "  test('even', () => expect(median([1, 2, 3, 4])).toBe(2.5));\n"
    + "});\n",
    "src/other.test.js": "test('other', () => {});\n",
}
VITEST = {
    "package.json": json.dumps({"name": "calc", "version": "1.0.0", "type": "module"}),
    "src/median.test.js": "import { test, expect, describe } from 'vitest';\n"
    + JEST["src/median.test.js"],
    "src/other.test.js": "import { test } from 'vitest';\n" + JEST["src/other.test.js"],
}
MOCHA = {
    "package.json": json.dumps({"name": "calc", "version": "1.0.0"}),
    "test/median.spec.js": "const assert = require('node:assert');\n"
    + MEDIAN
    + "it('odd', () => assert.strictEqual(median([1, 2, 3]), 2));\n"
    + "describe('median', () => {\n"
    + "  it('even', () => assert.strictEqual(median([1, 2, 3, 4]), 2.5));\n"
    + "});\n",
    "test/other.spec.js": "it('other', () => {});\n",
}
CASES = {
    "jest": (JEST, "npx --no-install jest"),
    "vitest": (VITEST, "npx --no-install vitest run"),
    "mocha": (MOCHA, "npx --no-install mocha"),
}


@pytest.mark.parametrize("runner", sorted(CASES))
def test_full_run_reports_every_test_with_authentic_canaries(
    runner: str, tmp_path: Path, node_modules: Path
) -> None:
    files, command = CASES[runner]
    root = project(tmp_path, node_modules, files)
    judged, done = run_prepared(root, command)
    assert judged.forged is None, done.stdout[-2000:] + done.stderr[-2000:]
    # Outside the sandbox the project's absolute path is not shortened: ids keep the titles.
    assert judged.outcomes == {"odd": "passed", "median > even": "failed", "other": "passed"}
    assert judged.exit_code == 1


@pytest.mark.parametrize("runner", sorted(CASES))
def test_a_selected_file_runs_alone(runner: str, tmp_path: Path, node_modules: Path) -> None:
    files, command = CASES[runner]
    root = project(tmp_path, node_modules, files)
    other = next(path for path in files if "other" in path)
    judged, done = run_prepared(root, command, [other])
    assert judged.forged is None, done.stdout[-2000:] + done.stderr[-2000:]
    assert judged.outcomes == {"other": "passed"}
    assert judged.exit_code == 0


def test_a_test_that_exits_zero_leaves_jest_without_a_report(
    tmp_path: Path, node_modules: Path
) -> None:
    files = {**JEST, "src/median.test.js": "test('odd', () => { process.exit(0); });\n"}
    # No report where the baseline had one: the run counts as failed (or forged, at exit 0).
    with pytest.raises(ReportError, match="no Jest JSON report"):
        run_prepared(project(tmp_path, node_modules, files), CASES["jest"][1])
