"""Code that could speak for the Go, Rust or Node test runner is flagged from the diff."""

from __future__ import annotations

import pytest

from scaling.baseline import classify_baseline
from scaling.diff import parse_diff
from scaling.runnermarks import runner_marks
from scaling.tamper import tamper_flags
from tests.fakes.scaling import make_patch, make_run

FORGERIES = {
    "go text": ("stats/forge.go", ['\tfmt.Println("--- PASS: TestMedianOdd (0.00s)")']),
    "go run line": ("stats/forge.go", ['\tfmt.Printf("=== RUN   %s\\n", name)']),
    "go raw exit": ("stats/forge.go", ["\tsyscall.Exit(0)"]),
    "go x/sys exit": ("stats/forge.go", ["\tunix.Exit(0)"]),
    "go raw syscall": ("stats/forge.go", ["\tsyscall.RawSyscall(syscall.SYS_EXIT_GROUP, 0, 0, 0)"]),
    "go raw syscall number": ("stats/forge.go", ["\tsyscall.Syscall(231, 0, 0, 0)"]),
    "go linkname": ("stats/forge.go", ["//go:linkname chatty testing.chatty"]),
    "js writer replaced": ("src/median.js", ["fs.writeFileSync = (p, d) => real(p, forge(d));"]),
    "js exit replaced": ("test/setup.js", ["Object.defineProperty(process, 'exitCode', {"]),
    "vitest workspace": ("vitest.workspace.ts", ["export default ['packages/easy']"]),
    "babel config": ("babel.config.js", ["  plugins: ['./strip-asserts'],"]),
    "cargo runner": (".cargo/config.toml", ["runner = ['sh', 'forge.sh']"]),
    "cargo runner in a member": ("crates/a/.cargo/config", ["[target.'cfg(all())']"]),
    "build script": ("build.rs", ['    std::fs::write("tests/even.rs", "").unwrap();']),
    "build script named": ("Cargo.toml", ['build = "gen.rs"']),
    "cargo patch": ("Cargo.toml", ["[patch.crates-io]"]),
    "npm pretest": ("package.json", ['    "pretest": "node tools/forge.js",']),
    "npm overrides": ("package.json", ['  "overrides": { "chai": "file:./chai" },']),
    "npmrc": (".npmrc", ["node-options=--require ./forge.js"]),
    "go replace": ("go.mod", ["replace github.com/stretchr/testify => ./testify"]),
    "go workspace": ("go.work", ["use ./forged"]),
    "vendored assertion library": (
        "vendor/github.com/stretchr/testify/assert/assertions.go",
        ["	return true"],
    ),
    "go init in a test file": ("stats/zz_fix_test.go", ["func init() { impl = rightMedian }"]),
    "go test binary check": ("stats/stats.go", ['\tif flag.Lookup("test.v") != nil {']),
    "go testing.Testing": ("stats/stats.go", ["\tif testing.Testing() {"]),
    "rust not under test": ("src/lib.rs", ["#[cfg(not(test))]"]),
    "rust cfg macro": ("src/lib.rs", ["    if cfg!(test) { return 2.5; }"]),
    "js jest check": ("src/median.js", ["  if (process.env.JEST_WORKER_ID) return right(xs);"]),
    "js node env": ("src/median.ts", ["  if (process.env.NODE_ENV === 'test') {"]),
    "mocha module rewrite": ("test/00-setup.spec.js", ["require('../src/median').median = right;"]),
    "mocha module assign": ("test/00-setup.spec.js", ["Object.assign(require('../src/m'), {"]),
    "mocha root hooks": ("test/hooks.spec.js", ["exports.mochaHooks = { beforeAll() {} };"]),
    "go init by a variable": (
        "stats/zz_test.go",
        ["var _ = func() int { impl = right; return 0 }()"],
    ),
    "rust ctor": ("src/lib.rs", ["#[ctor::ctor]"]),
    "rust init_array": ("src/lib.rs", ['#[link_section = ".init_array"]']),
    "jest root mock": ("__mocks__/fast-median.js", ["module.exports = right;"]),
    "go TestMain": ("stats/main_test.go", ["func TestMain(m *testing.M) {"]),
    "rust text": ("src/lib.rs", ['    println!("test tests::median ... ok");']),
    "rust summary": ("src/lib.rs", ['    println!("test result: ok. 3 passed; 0 failed");']),
    "rust exit": ("src/lib.rs", ["    std::process::exit(0);"]),
    "rust libc exit": ("src/lib.rs", ["    unsafe { libc::_exit(0) };"]),
    "tap text": ("src/median.js", ["  console.log('ok 1 - median of an even list');"]),
    "node reallyExit": ("src/median.js", ["  process.reallyExit(0);"]),
    "node self-kill": ("src/median.js", ["  process.kill(process.pid, 'SIGKILL');"]),
    "node exit in a test": ("test/median.test.js", ["process.exit(0);"]),
}


@pytest.mark.parametrize("name", FORGERIES)
def test_forging_code_is_flagged(name: str) -> None:
    path, added = FORGERIES[name]
    (diff,) = parse_diff(make_patch(path, added))
    flags = runner_marks(diff)
    assert len(flags) == 1 and flags[0].endswith(f": {path}"), flags
    run = make_run({"stats::TestMedianOdd": "passed"})
    baseline = classify_baseline([run])
    assert flags[0] in tamper_flags([diff], baseline, run)


HONEST = {
    "go os.Exit in a command": ("cmd/tool/main.go", ["\t\tos.Exit(2)"]),
    "go comparison": ("stats/stats.go", ["\tif a == b {"]),
    "rust exit with a failure code": ("src/main.rs", ["    std::process::exit(2);"]),
    "node exit in a command": ("bin/cli.js", ["  process.exit(0);"]),
    "js text that is not TAP": ("src/median.js", ["  return 'ok';"]),
    "js comparison with process": ("src/env.js", ["  if (process.platform === 'win32') {"]),
    "go dependency bump": ("go.mod", ["\tgithub.com/stretchr/testify v1.9.0"]),
    "npm version bump": ("package.json", ['  "version": "1.0.1",']),
    "cargo dependency": ("Cargo.toml", ['serde = "1"']),
    "a file named vendor": ("internal/vendor.go", ["\treturn true"]),
    "go usage message": (
        "cmd/tool/main.go",
        ['\tfmt.Fprintf(os.Stderr, "usage: %s\\n", os.Args[0])'],
    ),
    "go init in code": ("stats/registry.go", ["func init() { register() }"]),
    "rust unit test module": ("src/lib.rs", ["#[cfg(test)]", "mod tests {"]),
    "js test file may use jest": ("test/median.test.js", ["  if (typeof jest !== 'undefined') {"]),
    "js test requiring a module": ("test/a.spec.js", ["const m = require('../src/median');"]),
    "js comparison in a test": ("test/a.spec.js", ["assert(require('../src/m').x == 1);"]),
    "go interface check in a test": ("stats/zz_test.go", ["var _ Medianer = (*impl)(nil)"]),
    "jest mock beside a module": ("src/__mocks__/median.js", ["module.exports = right;"]),
    "python is not read": ("calc/forge.py", ['print("--- PASS: TestX (0.00s)")']),
}


@pytest.mark.parametrize("name", HONEST)
def test_ordinary_code_is_not_flagged(name: str) -> None:
    path, added = HONEST[name]
    (diff,) = parse_diff(make_patch(path, added))
    assert runner_marks(diff) == []


def test_moving_existing_runner_code_is_not_flagged() -> None:
    line = "func TestMain(m *testing.M) {"
    (diff,) = parse_diff(make_patch("stats/main_test.go", [line], [line]))
    assert runner_marks(diff) == []
