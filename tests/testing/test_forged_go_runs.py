"""Go patches that try to make a broken fix pass its gate by forging the test result.

Each one breaks `Median` (so the repository's tests genuinely fail) and adds a way of lying
about it; real sandboxes with the Go toolchain, real `go test` inside them. None may pass.
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
from tests.solve.polyglot_repos import GO, GO_WRONG

pytestmark = pytest.mark.docker

TESTS = ("stats::TestMedianOdd", "stats::TestMedianSingle")
BROKEN = GO_WRONG.replace("\treturn s[len(s)/2]\n", "\treturn 0\n")

# Package code whose `init` starts a process of its own that outlives `go test`: once the
# command has ended (the last canary's part appears), it turns every failure of the
# repository's package in the report into a pass. It needs no test file and no exit status.
REWRITE_AFTER_THE_COMMAND = """package stats

import (
	"os"
	"os/exec"
	"syscall"
)

const forge = `while :; do
  for last in /tmp/*/*.3; do
    [ -e "$last" ] || continue
    main="${last%.3}.2"
    sed -i '/example.com\\/calc/s/"Action":"fail"/"Action":"pass"/g' "$main"
    exit 0
  done
  sleep 0.02
done`

func init() {
	if os.Getenv("FORGER") != "" {
		return
	}
	cmd := exec.Command("sh", "-c", forge)
	cmd.Env = append(os.Environ(), "FORGER=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	_ = cmd.Start()
}
"""

# Package code that, inside a test binary, prints what the testing package would print if every
# test passed and leaves through the raw system call, which Go's guard against `os.Exit(0)`
# during tests does not see: `go test` reads the lines as results and reports the package ok.
PRINT_PASSES_AND_EXIT = """package stats

import (
	"fmt"
	"os"
	"strings"
	"syscall"
)

func init() {
	if !strings.HasSuffix(os.Args[0], ".test") {
		return
	}
	for _, name := range []string{"TestMedianOdd", "TestMedianSingle"} {
		fmt.Printf("=== RUN   %s\\n--- PASS: %s (0.00s)\\n", name, name)
	}
	fmt.Println("PASS")
	syscall.Exit(0)
}
"""

# The fix exists only where tests are compiled: production code stays wrong, a test file the
# patch adds swaps in a correct implementation before any test runs (the holdout, run with the
# patch's test files, would pass too).
WRONG_BEHIND_A_SEAM = BROKEN.replace(
    "// Median of xs.\nfunc Median(xs []float64) float64 {",
    "var impl = wrongMedian\n\n// Median of xs.\nfunc Median(xs []float64) float64 "
    "{ return impl(xs) }\n\nfunc wrongMedian(xs []float64) float64 {",
)
RIGHT_ONLY_UNDER_TEST = """package stats

import "sort"

func init() { impl = rightMedian }

func rightMedian(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}
"""

# A test the maintainers already know fails: with it, the command's exit status is non-zero on
# the base commit too, so a report that still lists it failed agrees with the exit status.
KNOWN_BROKEN = """package stats

import "testing"

func TestKnownBroken(t *testing.T) { t.Fatal("known to fail") }
"""
# As REWRITE_AFTER_THE_COMMAND, but only the median tests' failures become passes.
REWRITE_SOME_AFTER_THE_COMMAND = REWRITE_AFTER_THE_COMMAND.replace(
    "/example.com\\/calc/s/", "/TestMedian/s/"
)


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
    return make_runner(tmp_path, client, {})


@pytest.fixture
def runner_with_a_known_failure(tmp_path: Path, client: Any) -> DockerTestRunner:
    return make_runner(tmp_path, client, {"stats/known_test.go": KNOWN_BROKEN})


def make_runner(tmp_path: Path, client: Any, extra: dict[str, str]) -> DockerTestRunner:
    repo = tmp_path / "repo"
    for path in ("go.mod", "stats/stats.go", "stats/stats_test.go"):
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(GO.files[path])
    for path, text in extra.items():
        (repo / path).write_text(text)
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    sandboxes = DockerSandboxes(
        repo,
        git(repo, "rev-parse", "HEAD").strip(),
        image=POLYGLOT_IMAGE,
        holdout=(),
        run_id=f"test-forged-go-{secrets.token_hex(4)}",
        client=client,
    )
    plan = TestPlan(command="go test ./...", protected=("stats/stats_test.go",), timeout_s=300)
    return DockerTestRunner(plan, sandboxes)


async def gate_of(runner: DockerTestRunner, edits: dict[str, str | None]) -> GateResult:
    patch = make_patch(runner.sandboxes.repo, edits)  # type: ignore[attr-defined]
    base_run, run = await asyncio.gather(runner.baseline(), runner.candidate(patch))
    baseline = classify_baseline([base_run])
    assert baseline.parsed and set(TESTS) <= set(baseline.passing), base_run.output_tail
    files = parse_diff(patch)
    return decide_gate("r0-0", files, baseline, run, None, tamper_flags(files, baseline, run))


async def test_the_broken_fix_alone_fails_honestly(runner: DockerTestRunner) -> None:
    result = await gate_of(runner, {"stats/stats.go": BROKEN})
    assert not result.passed and not result.tamper


async def test_a_process_that_rewrites_the_report_after_the_command_cannot_pass(
    runner: DockerTestRunner,
) -> None:
    edits: dict[str, str | None] = {
        "stats/stats.go": BROKEN,
        "stats/zz_forge.go": REWRITE_AFTER_THE_COMMAND,
    }
    result = await gate_of(runner, edits)
    assert not result.passed, result


async def test_printed_results_and_a_raw_exit_are_flagged(runner: DockerTestRunner) -> None:
    edits: dict[str, str | None] = {
        "stats/stats.go": BROKEN,
        "stats/zz_forge.go": PRINT_PASSES_AND_EXIT,
    }
    result = await gate_of(runner, edits)
    assert not result.passed, result
    assert any("stats/zz_forge.go" in flag for flag in result.tamper), result.tamper


async def test_a_fix_that_exists_only_under_test_is_flagged(runner: DockerTestRunner) -> None:
    edits: dict[str, str | None] = {
        "stats/stats.go": WRONG_BEHIND_A_SEAM,
        "stats/zz_fix_test.go": RIGHT_ONLY_UNDER_TEST,
    }
    result = await gate_of(runner, edits)
    assert not result.passed, result
    assert any("stats/zz_fix_test.go" in flag for flag in result.tamper), result.tamper


async def test_a_rewrite_that_keeps_a_known_failure_is_forgery(
    runner_with_a_known_failure: DockerTestRunner,
) -> None:
    runner = runner_with_a_known_failure
    edits: dict[str, str | None] = {
        "stats/stats.go": BROKEN,
        "stats/zz_forge.go": REWRITE_SOME_AFTER_THE_COMMAND,
    }
    patch = make_patch(runner.sandboxes.repo, edits)  # type: ignore[attr-defined]
    run = await runner.candidate(patch)
    assert run.outcomes.get("stats::TestKnownBroken") == "failed", run.output_tail
    assert run.outcomes.get("stats::TestMedianOdd") == "passed", "the rewrite did not happen"
    assert run.forged is not None and "counted" in run.forged, run
