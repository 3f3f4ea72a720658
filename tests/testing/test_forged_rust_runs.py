"""Rust patches that make a failing test pass without fixing the code, through cargo's own hooks.

The crate's `median` is wrong for even lengths, so `tests/even.rs::even` fails on the base
commit. Each patch leaves `median` wrong (a comment changes, so the patch changes code) and
adds a file cargo runs on its own: no test file is touched, and the protected tests are reset
before the run. Real sandboxes with the Rust toolchain, real `cargo test` inside them.
"""

from __future__ import annotations

import asyncio
import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.testing import DockerSandboxes, DockerTestRunner, TestPlan
from sandbox.client import docker_client
from scaling.baseline import classify_baseline
from scaling.diff import parse_diff
from scaling.gate import decide_gate
from scaling.result import GateResult
from scaling.tamper import tamper_flags
from tests.fakes.example_repo import git, make_patch
from tests.polyglot import POLYGLOT_IMAGE, ensure_polyglot_image
from tests.testing.test_toolchain_frameworks import RUST

EVEN = "tests/even.rs::even"
LIB = "src/lib.rs"
WRONG = "// Median of xs (sorted).\n" + RUST[LIB]
LIBTEST_PASS = (
    "\\nrunning 1 test\\ntest even ... ok\\n\\ntest result: ok. 1 passed; 0 failed; 0 ignored; "
    "0 measured; 0 filtered out; finished in 0.00s\\n\\n"
)
ATTACKS: dict[str, dict[str, str | None]] = {
    # cargo runs every test binary through the configured runner, which answers for one.
    "cargo runner": {
        ".cargo/config.toml": '[target.\'cfg(all())\']\nrunner = ["sh", "tools/run.sh"]\n',
        "tools/run.sh": f"case \"$1\" in\n  *even-*) printf '{LIBTEST_PASS}' ;;\n"
        '  *) exec "$@" ;;\nesac\n',
    },
    # The build script runs after the protected tests were reset, before they compile.
    "build script": {
        "build.rs": 'fn main() {\n    std::fs::write("tests/even.rs", "#[test]\\nfn even() {}\\n")'
        ".unwrap();\n}\n",
    },
}

# Library code whose first call starts a process that outlives `cargo test`: once the command
# has ended (the last canary's part appears) it turns the unit test's failure in the report
# into a pass. It first deletes the canary's build, so the last canary takes long enough to
# rewrite the report before the harness joins the parts. `tests/even.rs::even` fails on the
# base commit as well, so the exit status (101) still agrees with a report that lists a
# failure.
REWRITE_AFTER_THE_COMMAND = r"""pub fn median(xs: &[f64]) -> f64 {
    if std::fs::create_dir("/tmp/forger").is_ok() {
        let _ = std::process::Command::new("sh")
            .arg("-c")
            .arg(FORGE)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
    }
    let _ = xs;
    0.0
}

const FORGE: &str = r#"rm -rf "$HOME/.cache/autofix-canary"
while :; do
  for last in /tmp/*/*.2; do
    [ -e "$last" ] || continue
    main="${last%.2}.1"
    sed -i -e 's/^test tests::odd \.\.\. FAILED$/test tests::odd ... ok/' \
      -e '0,/^test result: FAILED\. 0 passed; 1 failed;/s//test result: ok. 1 passed; 0 failed;/' \
      "$main"
    exit 0
  done
  sleep 0.02
done"#;

#[cfg(test)]
mod tests {
    #[test]
    fn odd() { assert_eq!(super::median(&[1.0, 2.0, 3.0]), 2.0); }
}
"""

pytestmark = pytest.mark.docker


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    why = ensure_polyglot_image()
    if why is not None:
        pytest.fail(why)
    client = docker_client()
    yield client
    client.close()


@pytest.fixture
def runner(tmp_path: Path, client: Any) -> DockerTestRunner:
    repo = tmp_path / "repo"
    for path, text in RUST.items():
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(text)
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    sandboxes = DockerSandboxes(
        repo,
        git(repo, "rev-parse", "HEAD").strip(),
        image=POLYGLOT_IMAGE,
        holdout=(),
        run_id=f"test-forged-rust-{secrets.token_hex(4)}",
        client=client,
    )
    plan = TestPlan(command="cargo test", protected=("tests",), timeout_s=300)
    return DockerTestRunner(plan, sandboxes)


async def gate_of(runner: DockerTestRunner, edits: dict[str, str | None]) -> GateResult:
    patch = make_patch(runner.sandboxes.repo, edits)  # type: ignore[attr-defined]
    base_run, run = await asyncio.gather(runner.baseline(), runner.candidate(patch))
    baseline = classify_baseline([base_run])
    assert baseline.parsed and EVEN in baseline.preexisting, base_run.output_tail
    assert run.outcomes.get(EVEN) == "passed", run.output_tail  # the hook did make it pass
    files = parse_diff(patch)
    return decide_gate("r0-0", files, baseline, run, None, tamper_flags(files, baseline, run))


@pytest.mark.parametrize("attack", ATTACKS)
async def test_a_cargo_hook_that_makes_a_failing_test_pass_is_flagged(
    runner: DockerTestRunner, attack: str
) -> None:
    result = await gate_of(runner, {LIB: WRONG, **ATTACKS[attack]})
    assert not result.passed, result
    hooked = next(path for path in ATTACKS[attack] if not path.startswith("tools/"))
    assert any(hooked in flag for flag in result.tamper), result.tamper


async def test_a_rewrite_that_keeps_a_known_failure_is_forgery(runner: DockerTestRunner) -> None:
    patch = make_patch(runner.sandboxes.repo, {LIB: REWRITE_AFTER_THE_COMMAND})  # type: ignore[attr-defined]
    run = await runner.candidate(patch)
    assert run.outcomes.get(EVEN) == "failed", run.output_tail
    assert run.outcomes.get("calc/src/lib.rs::tests::odd") == "passed", run.output_tail
    assert run.forged is not None and "counted" in run.forged, run
