"""Forgeries through the Rust toolchain on this machine, judged as the harness judges them."""

from __future__ import annotations

from pathlib import Path

from tests.testing.test_toolchain_frameworks import RUST
from tests.testing.toolchain_runs import require, run_prepared, write_project


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
