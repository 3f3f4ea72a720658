"""Go, Node and Rust test runs prepared by their frameworks and run with the real toolchains:
reporter flags, canaries, selection and seeds work as the runner needs them to."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.testing.toolchain_runs import require, run_prepared, write_project

GO = {
    "go.mod": "module example.com/calc\n\ngo 1.19\n",
    "stats/stats.go": (
        "package stats\n\nfunc Median(xs []float64) float64 { return xs[len(xs)/2] }\n"
    ),
    "stats/stats_test.go": """package stats

import "testing"

func TestOdd(t *testing.T) {
	if Median([]float64{1, 2, 3}) != 2 {
		t.Fatal("odd")
	}
}

func TestEven(t *testing.T) {
	t.Run("four", func(t *testing.T) {
		if Median([]float64{1, 2, 3, 4}) != 2.5 {
			t.Fatal("even")
		}
	})
}
""",
    "other/other_test.go": 'package other\n\nimport "testing"\n\nfunc TestOther(t *testing.T) {}\n',
}

NODE = {
    "package.json": '{"name": "calc", "version": "1.0.0"}\n',
    "lib.js": "exports.median = (xs) => xs[Math.floor(xs.length / 2)];\n",
    "test/median.test.js": """const test = require('node:test');
const assert = require('node:assert');
const { median } = require('../lib');
test('odd', () => assert.strictEqual(median([1, 2, 3]), 2));
test('even', () => assert.strictEqual(median([1, 2, 3, 4]), 2.5));
""",
    "test/other.test.js": "require('node:test')('other', () => {});\n",
}

RUST = {
    "Cargo.toml": '[package]\nname = "calc"\nversion = "0.1.0"\nedition = "2018"\n\n[workspace]\n',
    "src/lib.rs": """pub fn median(xs: &[f64]) -> f64 { xs[xs.len() / 2] }

#[cfg(test)]
mod tests {
    #[test]
    fn odd() { assert_eq!(super::median(&[1.0, 2.0, 3.0]), 2.0); }
}
""",
    "tests/even.rs": (
        "#[test]\nfn even() { assert_eq!(calc::median(&[1.0, 2.0, 3.0, 4.0]), 2.5); }\n"
    ),
    "tests/other.rs": "#[test]\nfn other() {}\n",
}


@pytest.fixture
def go_project(tmp_path: Path) -> Path:
    require("go")
    return write_project(tmp_path / "repo", GO)


def test_go_run_reports_every_test_relative_to_the_module(go_project: Path) -> None:
    judged, done = run_prepared(go_project, "go test ./...")
    assert judged.forged is None, done.stdout + done.stderr
    assert judged.outcomes == {
        "stats::TestOdd": "passed",
        "stats::TestEven": "failed",
        "stats::TestEven/four": "failed",
        "other::TestOther": "passed",
    }
    assert judged.exit_code == 1


def test_go_file_selects_its_package(go_project: Path) -> None:
    judged, _ = run_prepared(
        go_project,
        "go test -v ./...",
        ["other/other_test.go"],
        seed=42,
    )
    assert judged.forged is None
    assert judged.outcomes == {"other::TestOther": "passed"}
    assert judged.exit_code == 0


def test_go_exit_zero_from_a_test_cannot_pass_the_run(go_project: Path) -> None:
    (go_project / "other" / "other_test.go").write_text(
        'package other\n\nimport (\n\t"os"\n\t"testing"\n)\n\n'
        "func TestOther(t *testing.T) { os.Exit(0) }\n"
    )
    (go_project / "stats" / "stats.go").write_text(
        "package stats\n\nfunc Median(xs []float64) float64 {\n"
        "\tn := len(xs)\n\tif n%2 == 0 {\n\t\treturn (xs[n/2-1] + xs[n/2]) / 2\n\t}\n"
        "\treturn xs[n/2]\n}\n"
    )
    judged, _ = run_prepared(go_project, "go test ./...")
    assert judged.outcomes["other::TestOther"] == "failed"
    assert judged.exit_code != 0


@pytest.fixture
def node_project(tmp_path: Path) -> Path:
    require("node")
    return write_project(tmp_path / "repo", NODE)


def test_node_run_reports_every_test_with_authentic_canaries(node_project: Path) -> None:
    judged, done = run_prepared(node_project, "node --test")
    assert judged.forged is None, done.stdout + done.stderr
    assert judged.outcomes == {"odd": "passed", "even": "failed", "other": "passed"}
    assert judged.exit_code == 1


def test_node_file_selection_is_a_path_argument(node_project: Path) -> None:
    judged, _ = run_prepared(node_project, "node --test", ["test/other.test.js"])
    assert judged.forged is None
    assert judged.outcomes == {"other": "passed"}
    assert judged.exit_code == 0


def test_node_exit_zero_in_a_test_file_is_caught(node_project: Path) -> None:
    (node_project / "test" / "median.test.js").write_text(
        "require('node:test')('odd', () => { process.exit(0); });\n"
    )
    judged, _ = run_prepared(node_project, "node --test")
    # Node folds the file into one passing result under its path: its tests go missing.
    assert "odd" not in judged.outcomes
    assert any(test.endswith("test/median.test.js") for test in judged.outcomes)


@pytest.fixture
def rust_project(tmp_path: Path) -> Path:
    require("cargo")
    return write_project(tmp_path / "repo", RUST)


def test_cargo_run_reports_every_target(rust_project: Path) -> None:
    judged, done = run_prepared(rust_project, "cargo test")
    assert judged.forged is None, done.stdout + done.stderr
    assert judged.outcomes == {
        "calc/src/lib.rs::tests::odd": "passed",
        "tests/even.rs::even": "failed",
        "tests/other.rs::other": "passed",
    }
    assert judged.exit_code == 101


def test_cargo_integration_test_file_runs_as_its_target(rust_project: Path) -> None:
    judged, _ = run_prepared(rust_project, "cargo test", ["tests/other.rs"])
    assert judged.forged is None
    assert judged.outcomes == {"tests/other.rs::other": "passed"}
    assert judged.exit_code == 0
