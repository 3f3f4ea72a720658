"""What authenticity costs: one gate run with canary tests against the same run without them.

The repository is the 3,000-file Python project of the sandbox benchmark plus a test suite
(one test module per package, one test per module: 2,998 tests). In one sandbox with a patch
applied, the same pytest command runs alternately the way the runner runs it (canary files
written, plugin loaded, safe path, random report path, report read back and judged) and the
plain way (a fixed report path, nothing written, report read back). `extra_s` is the median
difference; `extra_vs_gate` relates it to a whole gate run (`DockerTestRunner.candidate`:
fresh sandbox, patch, protected tests reset, test run, report). Target: under 5%.
Prints one JSON object.

Run: uv run python -m benchmarks.canary [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

# Run as a script, this file's folder heads sys.path and benchmarks/sandbox.py would shadow
# the package of that name.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

from app.testing import DockerSandboxes, DockerTestRunner, RunNames, TestPlan  # noqa: E402
from app.testing.command import run_script  # noqa: E402
from app.testing.frameworks.pytest_junit import Pytest  # noqa: E402
from benchmarks.sandbox import make_repo  # noqa: E402
from sandbox.builder import WORKSPACE  # noqa: E402
from sandbox.client import docker_client  # noqa: E402
from sandbox.container import DockerSandbox  # noqa: E402
from scaling.canary import judge_canaries  # noqa: E402

COMMAND = "python3 -m pytest -q"
PLAIN_REPORT = "/tmp/plain-report.xml"


def add_tests(repo: Path) -> tuple[int, str]:
    """One test per module, one test module per package; committed. (tests, patch)"""
    tests = repo / "tests"
    tests.mkdir()
    count = 0
    for package in sorted((repo / "synth").glob("pkg*")):
        lines = []
        for module in sorted(package.glob("mod*.py")):
            i = int(module.stem[3:])
            name = f"synth.{package.name}.{module.stem}"
            lines.append(f"def test_{module.stem}():\n    from {name} import f1\n")
            lines.append(f"    assert f1(2) == {2 * i + 1}\n\n")
            count += 1
        (tests / f"test_{package.name}.py").write_text("".join(lines))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "tests")
    target = repo / "synth" / "pkg000" / "mod0000.py"
    original = target.read_text()
    target.write_text(original + "\ndef added(x):\n    return x\n")
    patch = git(repo, "diff")
    target.write_text(original)
    return count, patch


def git(repo: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@x", "PATH": "/usr/bin:/bin"}
    env |= {"GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@x"}
    done = subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)
    return done.stdout.decode()


# Appended to a run: the CPU seconds (user + system) its processes used, on the last line.
_CPU = "\nrc=$?; times; exit $rc"
_CLOCK = re.compile(r"(\d+)m([\d.]+)s")


def cpu_seconds(output: str) -> float:
    last = output.rstrip().splitlines()[-1]
    return sum(int(m) * 60 + float(s) for m, s in _CLOCK.findall(last))


async def with_canaries(sb: DockerSandbox, seed: int) -> tuple[float, float, int]:
    """The runner's way: wall and CPU seconds, and the number of tests judged authentic."""
    framework = Pytest()
    started = time.perf_counter()
    prepared = framework.prepare(COMMAND, (), RunNames.fresh(WORKSPACE, near="tests"))
    result = await sb.exec(run_script(COMMAND, seed, prepared) + _CPU, 600)
    report = await sb.exec(f"cat {prepared.report_path}", 120)
    outcomes = framework.parse(report.output)
    assert prepared.canary is not None
    judged = judge_canaries(outcomes, result.exit_code, prepared.canary, result.exit_code == 1)
    elapsed = time.perf_counter() - started
    assert judged.forged is None and judged.exit_code == 0, (judged.forged, result.output[-2000:])
    return elapsed, cpu_seconds(result.output), len(judged.outcomes)


async def without_canaries(sb: DockerSandbox, seed: int) -> tuple[float, float, int]:
    """The same run as before canaries: a fixed report path, nothing written, no judgement."""
    framework = Pytest()
    flags = f" --junitxml={PLAIN_REPORT} -o junit_family=xunit1 -p no:cacheprovider"
    started = time.perf_counter()
    script = f"rm -f {PLAIN_REPORT}; " + run_script(COMMAND + flags, seed) + _CPU
    result = await sb.exec(script, 600)
    report = await sb.exec(f"cat {PLAIN_REPORT}", 120)
    outcomes = framework.parse(report.output)
    elapsed = time.perf_counter() - started
    assert result.exit_code == 0, result.output[-2000:]
    return elapsed, cpu_seconds(result.output), len(outcomes)


async def main(rounds: int) -> dict[str, object]:
    client = docker_client()
    scope = f"bench-{uuid.uuid4().hex[:8]}"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            repo, _ = make_repo(Path(tmp))
            tests, patch = add_tests(repo)
            files = len(git(repo, "ls-files").splitlines())
            sandboxes = DockerSandboxes(
                repo,
                git(repo, "rev-parse", "HEAD").strip(),
                image="autofix-sandbox:bookworm",
                run_id=scope,
                scope=scope,
                client=client,
            )
            runner = DockerTestRunner(
                TestPlan(command=COMMAND, protected=("tests",), timeout_s=600), sandboxes
            )
            gate = await runner.candidate(patch)  # also builds the environment image once
            assert gate.parsed and gate.forged is None and len(gate.outcomes) == tests
            gates = []
            for _ in range(3):
                started = time.perf_counter()
                await runner.candidate(patch)
                gates.append(time.perf_counter() - started)
            canary: list[tuple[float, float]] = []
            plain: list[tuple[float, float]] = []
            async with sandboxes("bench", ()) as sb:
                assert (await sb.apply(patch)).exit_code == 0
                await without_canaries(sb, 0)  # warm the file cache and bytecode
                for seed in range(rounds):
                    # Alternate, so drift in the machine's load hits both alike.
                    first, second = (with_canaries, without_canaries)[:: 1 if seed % 2 else -1]
                    for run in (first, second):
                        elapsed, cpu, reported = await run(sb, seed)
                        assert reported == tests
                        (canary if run is with_canaries else plain).append((elapsed, cpu))
    finally:
        for image in client.images.list(filters={"label": f"autofix.image.scope={scope}"}):
            client.images.remove(image.id, force=True)
        client.close()
    with_s = statistics.median(w for w, _ in canary)
    without_s = statistics.median(w for w, _ in plain)
    with_cpu = statistics.median(c for _, c in canary)
    without_cpu = statistics.median(c for _, c in plain)
    gate_s = statistics.median(gates)
    extra = with_s - without_s
    return {
        "files": files,
        "tests": tests,
        "rounds": rounds,
        "test_run_with_canaries_s": round(with_s, 3),
        "test_run_without_canaries_s": round(without_s, 3),
        "extra_s": round(extra, 3),
        "extra_vs_test_run": round(extra / without_s, 4),
        "gate_run_s": round(gate_s, 3),
        "extra_vs_gate": round(extra / gate_s, 4),
        # CPU seconds of the test processes: steadier than wall time on a loaded machine.
        "test_run_cpu_with_canaries_s": round(with_cpu, 3),
        "test_run_cpu_without_canaries_s": round(without_cpu, 3),
        "extra_cpu_s": round(with_cpu - without_cpu, 3),
        "extra_cpu_vs_test_run": round((with_cpu - without_cpu) / without_cpu, 4),
        "target_extra_vs_gate": 0.05,
        "load_avg_1m": round(os.getloadavg()[0], 2),  # the box is shared; read numbers with it
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="runs of each kind")
    print(json.dumps(asyncio.run(main(parser.parse_args().rounds))))
