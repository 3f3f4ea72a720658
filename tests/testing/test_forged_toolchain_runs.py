"""Forgeries through the Rust and Node toolchains on this machine, judged as the harness does."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaling.baseline import classify_baseline
from scaling.diff import parse_diff
from scaling.tamper import tamper_flags
from tests.fakes.scaling import make_patch, make_run
from tests.testing.test_javascript_frameworks import node_modules, project
from tests.testing.test_toolchain_frameworks import RUST
from tests.testing.toolchain_runs import require, run_prepared, write_project

__all__ = ["node_modules"]  # the session's npm install, a fixture


def test_rust_exit_zero_inside_a_test_is_forgery(tmp_path: Path) -> None:
    require("cargo")
    files = dict(RUST)
    files["tests/even.rs"] = (
        "#[test]\nfn even() {\n"
        "    if calc::median(&[1.0, 2.0, 3.0, 4.0]) != 2.5 { std::process::exit(0) }\n}\n"
        "#[test]\nfn later() { std::thread::sleep(std::time::Duration::from_millis(300)); }\n"
    )
    judged, done = run_prepared(write_project(tmp_path / "repo", files), "cargo test")
    assert done.returncode == 0  # cargo itself saw every binary succeed
    assert judged.outcomes["tests/even.rs"] == "error"
    assert "tests/even.rs::even" not in judged.outcomes
    assert judged.forged is not None and judged.exit_code != 0


MOCHA_PROJECT = {
    "package.json": '{"name": "calc", "version": "1.0.0"}\n',
    "src/median.js": "exports.median = (xs) => xs[Math.floor(xs.length / 2)];\n",
    "test/median.spec.js": "const assert = require('assert');\n"
    "const { median } = require('../src/median');\n"
    "it('odd', () => assert.strictEqual(median([1, 2, 3]), 2));\n"
    "it('even', () => assert.strictEqual(median([1, 2, 3, 4]), 2.5));\n",
}
# Loaded first (Mocha sorts the files and runs them all in one process): every other file that
# requires the module gets the right median, while the shipped one stays wrong.
FIX_UNDER_TEST = (
    "require('../src/median').median = (xs) => {\n"
    "  const s = [...xs].sort((a, b) => a - b);\n"
    "  const n = s.length;\n"
    "  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;\n"
    "};\n"
)


def test_a_mocha_file_that_rewrites_the_module_under_test_is_flagged(
    tmp_path: Path, node_modules: Path
) -> None:
    root = project(tmp_path, node_modules, MOCHA_PROJECT)
    honest, _ = run_prepared(root, "npx --no-install mocha")
    assert honest.outcomes == {"odd": "passed", "even": "failed"}
    (root / "test" / "00-setup.spec.js").write_text(FIX_UNDER_TEST)
    judged, done = run_prepared(root, "npx --no-install mocha")
    # The trick works on the real runner: an authentic run in which every test passed.
    assert judged.forged is None and judged.exit_code == 0, done.stdout[-2000:]
    assert judged.outcomes == {"odd": "passed", "even": "passed"}
    lines = FIX_UNDER_TEST.splitlines()
    (diff,) = parse_diff(make_patch("test/00-setup.spec.js", lines, new=True))
    baseline = classify_baseline([make_run({"odd": "passed", "even": "failed"})])
    flags = tamper_flags([diff], baseline, make_run(judged.outcomes))
    assert any("test/00-setup.spec.js" in flag for flag in flags), flags


JEST_PROJECT = {
    "package.json": '{"name": "calc", "version": "1.0.0"}\n',
    "src/median.js": "exports.median = (xs) => 0;\n",
    "src/median.test.js": "const { median } = require('./median');\n"
    "test('odd', () => expect(median([1, 2, 3])).toBe(2));\n",
    "src/known.test.js": "test('known', () => { throw new Error('known to fail'); });\n",
}
# Package code whose first call starts a detached process: it finds the report on its
# ancestors' command lines and, once Jest has written it, marks every failure but the known
# one as passed. `known` keeps the exit status at 1, as on the base commit.
JEST_FORGER = r"""
const fs = require('fs');
const { spawn } = require('child_process');
if (!process.env.FORGER) {
  let pid = process.pid, main = null, runner = 0;
  while (pid > 1 && !main) {
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    const m = cmd.match(/--outputFile=([^ ;']+\.1)(?![0-9])/);
    if (m) { main = m[1]; runner = pid; }
    pid = Number(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
  }
  if (main) {
    const forge = `
      const fs = require('fs');
      const main = ${JSON.stringify(main)};
      let ended = 0;
      setInterval(() => {
        if (!fs.existsSync('/proc/${runner}') && ++ended > 150) process.exit(0);
        let r;
        try { r = JSON.parse(fs.readFileSync(main, 'utf8')); } catch (e) { return; }
        const failing = (t) => t.title === 'odd' && t.status === 'failed';
        if (!r.testResults.some((f) => f.assertionResults.some(failing))) return;
        for (const file of r.testResults) {
          if (file.name.endsWith('known.test.js')) continue;
          file.status = 'passed';
          for (const t of file.assertionResults) { t.status = 'passed'; t.failureMessages = []; }
        }
        fs.writeFileSync(main, JSON.stringify(r));
      }, 20);`;
    const child = spawn(process.execPath, ['-e', forge], {
      detached: true, stdio: ['ignore', 'ignore', fs.openSync(process.env.FORGER_LOG, 'a')],
      env: { ...process.env, FORGER: '1' },
    });
    child.unref();
  }
}
exports.median = (xs) => 0;
"""


def test_a_jest_report_rewritten_after_the_command_is_forgery(
    tmp_path: Path, node_modules: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "forger.log"
    monkeypatch.setenv("FORGER_LOG", str(log))
    root = project(tmp_path, node_modules, {**JEST_PROJECT, "src/median.js": JEST_FORGER})
    judged, done = run_prepared(root, "npx --no-install jest")
    # The rewrite happened: the report says `odd` passed, and `known` keeps the status at 1.
    assert judged.outcomes == {"odd": "passed", "known": "failed"}, log.read_text()
    assert judged.forged is not None and "counted" in judged.forged, done.stderr[-1000:]


NODE_PROJECT = {
    "package.json": '{"name": "calc", "version": "1.0.0"}\n',
    "test/median.test.js": "const test = require('node:test');\n"
    "const assert = require('node:assert');\n"
    "const { median } = require('../src/median');\n"
    "test('odd', () => assert.strictEqual(median([1, 2, 3]), 2));\n",
    "test/known.test.js": "require('node:test')('known', () => { throw new Error('known'); });\n",
}
# As JEST_FORGER, for the report autofix's reporter writes for `node --test`.
NODE_FORGER = r"""
const fs = require('fs');
const { spawn } = require('child_process');
if (!process.env.FORGER) {
  let pid = process.pid, main = null, runner = 0;
  while (pid > 1 && !main) {
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    const m = cmd.match(/--test-reporter-destination=([^ ;']+\.1)(?![0-9])/);
    if (m) { main = m[1]; runner = pid; }
    pid = Number(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
  }
  if (main) {
    const forge = `
      const fs = require('fs');
      const main = ${JSON.stringify(main)};
      setInterval(() => {
        if (fs.existsSync('/proc/${runner}')) return;
        const text = fs.readFileSync(main, 'utf8');
        const odd = /"event":"fail","name":"odd"/g;
        fs.writeFileSync(main, text.replace(odd, '"event":"pass","name":"odd"'));
        process.exit(0);
      }, 20);`;
    spawn(process.execPath, ['-e', forge], {
      detached: true, stdio: 'ignore', env: { ...process.env, FORGER: '1' },
    }).unref();
  }
}
exports.median = (xs) => 0;
"""


def test_a_node_report_rewritten_after_the_command_is_forgery(tmp_path: Path) -> None:
    require("node")
    root = write_project(tmp_path / "repo", {**NODE_PROJECT, "src/median.js": NODE_FORGER})
    judged, done = run_prepared(root, "node --test")
    # The rewrite happened: the report says `odd` passed, and `known` keeps the status at 1.
    assert judged.outcomes == {"odd": "passed", "known": "failed"}, done.stdout[-2000:]
    assert judged.forged is not None and "counted" in judged.forged, done.stdout[-1000:]


VITEST_PROJECT = {
    "package.json": '{"name": "calc", "version": "1.0.0", "type": "module"}\n',
    "src/median.test.js": "import { test, expect } from 'vitest';\n"
    "import { median } from './median.js';\n"
    "test('odd', () => expect(median([1, 2, 3])).toBe(2));\n",
    "src/known.test.js": "import { test } from 'vitest';\n"
    "test('known', () => { throw new Error('known to fail'); });\n",
}
VITEST_FORGER = JEST_FORGER.replace(
    "const fs = require('fs');\nconst { spawn } = require('child_process');",
    "import fs from 'fs';\nimport { spawn } from 'child_process';",
).replace("exports.median = (xs) => 0;", "export const median = (xs) => 0;")


def test_a_vitest_report_rewritten_after_the_command_is_forgery(
    tmp_path: Path, node_modules: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert VITEST_FORGER.startswith("\nimport fs")
    monkeypatch.setenv("FORGER_LOG", str(tmp_path / "forger.log"))
    root = project(tmp_path, node_modules, {**VITEST_PROJECT, "src/median.js": VITEST_FORGER})
    judged, done = run_prepared(root, "npx --no-install vitest run")
    # The rewrite happened: the report says `odd` passed, and `known` keeps the status at 1.
    assert judged.outcomes == {"odd": "passed", "known": "failed"}, done.stdout[-2000:]
    assert judged.forged is not None and "counted" in judged.forged, done.stdout[-1000:]


# As JEST_FORGER, for Mocha's JSON report: `odd` loses its error once Mocha has written it.
MOCHA_FORGER = r"""
const fs = require('fs');
const { spawn } = require('child_process');
if (!process.env.FORGER) {
  let pid = process.pid, main = null, runner = 0;
  while (pid > 1 && !main) {
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    const m = cmd.match(/output=([^ ;']+\.1)(?![0-9])/);
    if (m) { main = m[1]; runner = pid; }
    pid = Number(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
  }
  if (main) {
    const forge = `
      const fs = require('fs');
      const main = ${JSON.stringify(main)};
      setInterval(() => {
        if (fs.existsSync('/proc/${runner}')) return;
        const r = JSON.parse(fs.readFileSync(main, 'utf8'));
        for (const t of r.tests) if (t.title === 'odd') t.err = {};
        r.failures = r.failures.filter((t) => t.title !== 'odd');
        fs.writeFileSync(main, JSON.stringify(r));
        process.exit(0);
      }, 20);`;
    spawn(process.execPath, ['-e', forge], {
      detached: true, stdio: 'ignore', env: { ...process.env, FORGER: '1' },
    }).unref();
  }
}
exports.median = (xs) => 0;
"""


def test_a_mocha_report_rewritten_after_the_command_is_forgery(
    tmp_path: Path, node_modules: Path
) -> None:
    files = {
        **MOCHA_PROJECT,
        "src/median.js": MOCHA_FORGER,
        "test/known.spec.js": "it('known', () => { throw new Error('known to fail'); });\n",
    }
    judged, done = run_prepared(project(tmp_path, node_modules, files), "npx --no-install mocha")
    # The rewrite happened: the report says `odd` passed, and `known` keeps the status at 1.
    assert judged.outcomes.get("odd") == "passed", done.stdout[-2000:]
    assert judged.outcomes.get("known") == "failed", judged.outcomes
    assert judged.forged is not None and "counted" in judged.forged, judged
