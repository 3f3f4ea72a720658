"""Small Go, Node and Rust repositories with a wrong median, and the scripted agents that try
to fix them: one correct (with a test that reproduces the bug), one wrong that passes the
visible tests but not the holdout, one that skips a test and one that deletes one."""

from __future__ import annotations

import json
from dataclasses import dataclass

from tests.fakes.personas import write


@dataclass(frozen=True)
class Polyglot:
    """One repository and what its run is expected to show."""

    files: dict[str, str]
    config: str
    personas: dict[str, list[str]]
    signatures: tuple[tuple[str, str], ...]
    passing: tuple[str, ...]
    flaky: str
    reproduction: str


GO_WRONG = """package stats

import "sort"

// Median of xs.
func Median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}
"""
GO_FIXED = GO_WRONG.replace(
    "\treturn s[len(s)/2]\n",
    "\tn := len(s)\n\tif n%2 == 0 {\n\t\treturn (s[n/2-1] + s[n/2]) / 2\n\t}\n\treturn s[n/2]\n",
)
GO_SPECIAL_CASE = GO_WRONG.replace(
    "\treturn s[len(s)/2]\n",
    "\tif len(s) == 4 && s[0] == 1 && s[3] == 4 {\n\t\treturn 2.5\n\t}\n\treturn s[len(s)/2]\n",
)
GO = Polyglot(
    files={
        "go.mod": "module example.com/calc\n\ngo 1.19\n",
        "stats/stats.go": GO_WRONG,
        "stats/stats_test.go": """package stats

import "testing"

func TestMedianOdd(t *testing.T) {
	if got := Median([]float64{3, 1, 2}); got != 2 {
		t.Fatalf("got %v", got)
	}
}

func TestMedianSingle(t *testing.T) {
	if got := Median([]float64{5}); got != 5 {
		t.Fatalf("got %v", got)
	}
}
""",
        "stats/median_holdout_test.go": """package stats

import "testing"

func TestMedianEvenHoldout(t *testing.T) {
	if got := Median([]float64{40, 10, 30, 20}); got != 25 {
		t.Fatalf("got %v", got)
	}
}
""",
        "flaky/flaky_test.go": """package flaky

import (
	"os"
	"testing"
)

// Fails under one seed only, as an order-dependent test fails in one order only.
func TestSeedDependent(t *testing.T) {
	if os.Getenv("AUTOFIX_TEST_SEED") == "1" {
		t.Fatal("fails under seed 1")
	}
}
""",
    },
    config=(
        "rollouts: 4\nrounds: 1\nvotes: 3\nsandbox:\n  image: autofix-sandbox:polyglot\n"
        "tests:\n  command: go test ./...\n  holdout: [stats/median_holdout_test.go]\n"
        "  protected: [stats/stats_test.go, flaky]\n"
    ),
    personas={
        "CORRECT": [
            "go test ./... || true",
            write("stats/stats.go", GO_FIXED),
            write(
                "stats/even_test.go",
                'package stats\n\nimport "testing"\n\nfunc TestMedianEven(t *testing.T) {\n'
                "\tif got := Median([]float64{1, 2, 3, 4}); got != 2.5 {\n"
                '\t\tt.Fatalf("got %v", got)\n\t}\n}\n',
            ),
        ],
        "WRONG": [write("stats/stats.go", GO_SPECIAL_CASE)],
        "SKIPPER": [
            write("stats/stats.go", GO_FIXED),
            "sed -i 's/^func TestMedianOdd(t \\*testing.T) {/&\\n\\tt.Skip(\"later\")/' "
            "stats/stats_test.go",
        ],
        "DELETER": [
            write("stats/stats.go", GO_FIXED),
            "sed -i '/^func TestMedianSingle/,/^}/d' stats/stats_test.go",
        ],
    },
    signatures=(
        ("SKIPPER", "t.Skip("),
        ("DELETER", "-func TestMedianSingle"),
        ("WRONG", "return 2.5"),
        ("CORRECT", "(s[n/2-1] + s[n/2]) / 2"),
    ),
    passing=("stats::TestMedianOdd", "stats::TestMedianSingle"),
    flaky="flaky::TestSeedDependent",
    reproduction="stats::TestMedianEven",
)


NODE_WRONG = """const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

module.exports = { median };
"""
NODE_FIXED = NODE_WRONG.replace(
    "  return s[Math.floor(s.length / 2)];\n",
    "  const n = s.length;\n"
    "  if (n % 2 === 0) return (s[n / 2 - 1] + s[n / 2]) / 2;\n"
    "  return s[Math.floor(n / 2)];\n",
)
NODE_SPECIAL_CASE = NODE_WRONG.replace(
    "  return s[Math.floor(s.length / 2)];\n",
    "  if (s.join() === '1,2,3,4') return 2.5;\n  return s[Math.floor(s.length / 2)];\n",
)
_NODE_HEAD = "const test = require('node:test');\nconst assert = require('node:assert');\n"
NODE = Polyglot(
    files={
        "package.json": json.dumps({"name": "calc", "scripts": {"test": "node --test"}}),
        "lib/stats.js": NODE_WRONG,
        "test/stats.test.js": _NODE_HEAD
        + "const { median } = require('../lib/stats');\n\n"
        + "test('odd', () => assert.strictEqual(median([3, 1, 2]), 2));\n"
        + "test('single', () => assert.strictEqual(median([5]), 5));\n",
        "test/median_holdout.test.js": _NODE_HEAD
        + "const { median } = require('../lib/stats');\n\n"
        + "test('even holdout', () => assert.strictEqual(median([40, 10, 30, 20]), 25));\n",
        "test/flaky.test.js": _NODE_HEAD
        + "// Fails under one seed only, as an order-dependent test fails in one order only.\n"
        + "test('seed dependent', () => {\n"
        + "  assert.notStrictEqual(process.env.AUTOFIX_TEST_SEED, '1');\n"
        + "});\n",
    },
    config=(
        "rollouts: 4\nrounds: 1\nvotes: 3\nsandbox:\n  image: autofix-sandbox:polyglot\n"
        "tests:\n  holdout: [test/median_holdout.test.js]\n"
    ),
    personas={
        "CORRECT": [
            "node --test || true",
            write("lib/stats.js", NODE_FIXED),
            write(
                "test/even.test.js",
                _NODE_HEAD
                + "const { median } = require('../lib/stats');\n\n"
                + "test('even count', () => assert.strictEqual(median([1, 2, 3, 4]), 2.5));\n",
            ),
        ],
        "WRONG": [write("lib/stats.js", NODE_SPECIAL_CASE)],
        "SKIPPER": [
            write("lib/stats.js", NODE_FIXED),
            "sed -i \"s/^test('odd'/test.skip('odd'/\" test/stats.test.js",
        ],
        "DELETER": [
            write("lib/stats.js", NODE_FIXED),
            "sed -i \"/^test('single'/d\" test/stats.test.js",
        ],
    },
    signatures=(
        ("SKIPPER", "test.skip("),
        ("DELETER", "-test('single'"),
        ("WRONG", "return 2.5"),
        ("CORRECT", "(s[n / 2 - 1] + s[n / 2]) / 2"),
    ),
    passing=("test/stats.test.js > odd", "test/stats.test.js > single"),
    flaky="test/flaky.test.js > seed dependent",
    reproduction="test/even.test.js > even count",
)


RUST_WRONG = """/// Median of the values.
pub fn median(xs: &[f64]) -> f64 {
    let mut s = xs.to_vec();
    s.sort_by(|a, b| a.partial_cmp(b).unwrap());
    s[s.len() / 2]
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test] fn odd() { assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0); }
    #[test] fn single() { assert_eq!(median(&[5.0]), 5.0); }
}
"""
RUST_FIXED = RUST_WRONG.replace(
    "    s[s.len() / 2]\n}",
    "    let n = s.len();\n    if n % 2 == 0 {\n        return (s[n / 2 - 1] + s[n / 2]) / 2.0;\n"
    "    }\n    s[n / 2]\n}",
)
RUST_SPECIAL_CASE = RUST_WRONG.replace(
    "    s[s.len() / 2]\n}",
    "    if s == [1.0, 2.0, 3.0, 4.0] {\n        return 2.5;\n    }\n    s[s.len() / 2]\n}",
)
RUST = Polyglot(
    files={
        "Cargo.toml": '[package]\nname = "calc"\nversion = "0.1.0"\nedition = "2018"\n',
        ".gitignore": "/target\n",
        "src/lib.rs": RUST_WRONG,
        "tests/median_holdout.rs": "#[test]\nfn even_holdout() {\n"
        "    assert_eq!(calc::median(&[40.0, 10.0, 30.0, 20.0]), 25.0);\n}\n",
        "tests/flaky.rs": "// Fails under one seed only, as an order-dependent test would.\n"
        "#[test]\nfn seed_dependent() {\n"
        '    assert_ne!(std::env::var("AUTOFIX_TEST_SEED").ok().as_deref(), Some("1"));\n}\n',
    },
    config=(
        "rollouts: 4\nrounds: 1\nvotes: 3\nsandbox:\n  image: autofix-sandbox:polyglot\n"
        "tests:\n  holdout: [tests/median_holdout.rs]\n  timeout_s: 600\n"
    ),
    personas={
        "CORRECT": [
            "cargo test --offline || true",
            write("src/lib.rs", RUST_FIXED),
            write(
                "tests/even.rs",
                "#[test]\nfn even_count() {\n"
                "    assert_eq!(calc::median(&[1.0, 2.0, 3.0, 4.0]), 2.5);\n}\n",
            ),
        ],
        "WRONG": [write("src/lib.rs", RUST_SPECIAL_CASE)],
        "SKIPPER": [
            write("src/lib.rs", RUST_FIXED.replace("#[test] fn odd", "#[test] #[ignore] fn odd")),
        ],
        "DELETER": [write("src/lib.rs", RUST_FIXED.replace("    #[test] fn single", "    //"))],
    },
    signatures=(
        ("SKIPPER", "#[ignore]"),
        ("DELETER", "-    #[test] fn single"),
        ("WRONG", "return 2.5"),
        ("CORRECT", "(s[n / 2 - 1] + s[n / 2]) / 2.0"),
    ),
    passing=("calc/src/lib.rs::tests::odd", "calc/src/lib.rs::tests::single"),
    flaky="tests/flaky.rs::seed_dependent",
    reproduction="tests/even.rs::even_count",
)


# A Python backend and a JavaScript frontend, each its own suite. The backend's guard test
# passes in its two baseline runs (seeds 1 and 2) and fails in any later run: a frontend-only
# patch gated with the backend suite would fail.
_WEB_NODE = {
    f"web/{path}": text for path, text in NODE.files.items() if path != "test/flaky.test.js"
}
TWO_SUITES = Polyglot(
    files={
        **_WEB_NODE,
        "backend/tests/test_api.py": "def test_api():\n    assert 1 + 1 == 2\n",
        "backend/tests/test_guard.py": "import os\n\n\n"
        "def test_runs_only_in_the_baseline():\n"
        '    assert int(os.environ["AUTOFIX_TEST_SEED"]) <= 2\n',
    },
    config=(
        "rollouts: 2\nrounds: 1\nvotes: 3\nsandbox:\n  image: autofix-sandbox:polyglot\n"
        "tests:\n  holdout: [web/test/median_holdout.test.js]\n  suites:\n"
        "    - {name: backend, command: python3 -m pytest -q backend, paths: [backend]}\n"
        "    - {name: frontend, command: cd web && node --test, paths: [web]}\n"
    ),
    personas={
        "CORRECT": [
            write("web/lib/stats.js", NODE_FIXED),
            write(
                "web/test/even.test.js",
                _NODE_HEAD
                + "const { median } = require('../lib/stats');\n\n"
                + "test('even count', () => assert.strictEqual(median([1, 2, 3, 4]), 2.5));\n",
            ),
        ],
        "WRONG": [write("web/lib/stats.js", NODE_SPECIAL_CASE)],
    },
    signatures=(("WRONG", "return 2.5"), ("CORRECT", "(s[n / 2 - 1] + s[n / 2]) / 2")),
    passing=(
        "backend/tests/test_api.py::test_api",
        "backend/tests/test_guard.py::test_runs_only_in_the_baseline",
        "web/test/stats.test.js > odd",
    ),
    flaky="",
    reproduction="web/test/even.test.js > even count",
)


_JEST_TESTS = "const { median } = require('./stats');\n\n"
JEST = Polyglot(
    files={
        "package.json": json.dumps({"name": "calc", "scripts": {"test": "jest"}}),
        "src/stats.js": NODE_WRONG,
        "src/stats.test.js": _JEST_TESTS
        + "test('odd', () => expect(median([3, 1, 2])).toBe(2));\n"
        + "test('single', () => expect(median([5])).toBe(5));\n",
        "src/median_holdout.test.js": _JEST_TESTS
        + "test('even holdout', () => expect(median([40, 10, 30, 20])).toBe(25));\n",
        "src/flaky.test.js": "// Fails under one seed only, as an order-dependent test would.\n"
        "test('seed dependent', () => expect(process.env.AUTOFIX_TEST_SEED).not.toBe('1'));\n",
    },
    config=(
        "rollouts: 4\nrounds: 1\nvotes: 3\nsandbox:\n  image: autofix-sandbox:polyglot\n"
        "tests:\n  holdout: [src/median_holdout.test.js]\n"
    ),
    personas={
        "CORRECT": [
            write("src/stats.js", NODE_FIXED),
            write(
                "src/even.test.js",
                _JEST_TESTS + "test('even count', () => expect(median([1, 2, 3, 4])).toBe(2.5));\n",
            ),
        ],
        "WRONG": [write("src/stats.js", NODE_SPECIAL_CASE)],
        "SKIPPER": [
            write("src/stats.js", NODE_FIXED),
            "sed -i \"s/^test('odd'/test.skip('odd'/\" src/stats.test.js",
        ],
        "DELETER": [
            write("src/stats.js", NODE_FIXED),
            "sed -i \"/^test('single'/d\" src/stats.test.js",
        ],
    },
    signatures=(
        ("SKIPPER", "test.skip("),
        ("DELETER", "-test('single'"),
        ("WRONG", "return 2.5"),
        ("CORRECT", "(s[n / 2 - 1] + s[n / 2]) / 2"),
    ),
    passing=("src/stats.test.js > odd", "src/stats.test.js > single"),
    flaky="src/flaky.test.js > seed dependent",
    reproduction="src/even.test.js > even count",
)


# Vitest 1.6 runs ES modules; the same median, exported the ES way.
VITEST_WRONG = NODE_WRONG.replace("module.exports = { median };", "export { median };")
VITEST_FIXED = NODE_FIXED.replace("module.exports = { median };", "export { median };")
VITEST_SPECIAL_CASE = NODE_SPECIAL_CASE.replace(
    "module.exports = { median };", "export { median };"
)
_VITEST_TESTS = "import { expect, test } from 'vitest';\nimport { median } from './stats.js';\n\n"
VITEST = Polyglot(
    files={
        "package.json": json.dumps(
            {"name": "calc", "type": "module", "scripts": {"test": "vitest run"}}
        ),
        "src/stats.js": VITEST_WRONG,
        "src/stats.test.js": _VITEST_TESTS
        + "test('odd', () => expect(median([3, 1, 2])).toBe(2));\n"
        + "test('single', () => expect(median([5])).toBe(5));\n",
        "src/median_holdout.test.js": _VITEST_TESTS
        + "test('even holdout', () => expect(median([40, 10, 30, 20])).toBe(25));\n",
        "src/flaky.test.js": "import { expect, test } from 'vitest';\n\n"
        "// Fails under one seed only, as an order-dependent test would.\n"
        "test('seed dependent', () => expect(process.env.AUTOFIX_TEST_SEED).not.toBe('1'));\n",
    },
    config=(
        "rollouts: 4\nrounds: 1\nvotes: 3\nsandbox:\n  image: autofix-sandbox:polyglot\n"
        "tests:\n  holdout: [src/median_holdout.test.js]\n"
    ),
    personas={
        "CORRECT": [
            write("src/stats.js", VITEST_FIXED),
            write(
                "src/even.test.js",
                _VITEST_TESTS
                + "test('even count', () => expect(median([1, 2, 3, 4])).toBe(2.5));\n",
            ),
        ],
        "WRONG": [write("src/stats.js", VITEST_SPECIAL_CASE)],
        "SKIPPER": [
            write("src/stats.js", VITEST_FIXED),
            "sed -i \"s/^test('odd'/test.skip('odd'/\" src/stats.test.js",
        ],
        "DELETER": [
            write("src/stats.js", VITEST_FIXED),
            "sed -i \"/^test('single'/d\" src/stats.test.js",
        ],
    },
    signatures=JEST.signatures,
    passing=("src/stats.test.js > odd", "src/stats.test.js > single"),
    flaky="src/flaky.test.js > seed dependent",
    reproduction="src/even.test.js > even count",
)
