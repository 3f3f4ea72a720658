"""Running commands: exit codes, merged and capped output, timeouts, files, environment."""

from __future__ import annotations

import docker
import pytest

from sandbox import DockerSandbox, Environments, SandboxError, SandboxSpec

pytestmark = pytest.mark.docker


async def test_exec_reports_exit_code_and_merged_output(
    spec: SandboxSpec, client: docker.DockerClient, environments: Environments
) -> None:
    async with DockerSandbox(spec, client, environments=environments) as sb:
        result = await sb.exec("echo out; echo err >&2; pwd; id -u; exit 3", timeout=30)
        ok = await sb.exec("python3 -c 'import calc.stats as s; print(s.mean([2, 4]))'")
    assert result.exit_code == 3
    assert not result.timed_out
    assert result.output.split() == ["out", "err", "/workspace", "1000"]
    assert ok.exit_code == 0 and ok.output.strip() == "3.0"


async def test_long_output_keeps_head_and_tail(
    spec: SandboxSpec, client: docker.DockerClient, environments: Environments
) -> None:
    async with DockerSandbox(spec, client, environments=environments) as sb:
        result = await sb.exec("echo FIRST; head -c 100000 /dev/zero | tr '\\0' x; echo; echo LAST")
    assert result.exit_code == 0
    assert result.output.startswith("FIRST\n")
    assert result.output.endswith("LAST\n")
    assert result.truncated_bytes == 6 + 100_001 + 5 - spec.output_cap_bytes
    assert f"{result.truncated_bytes} bytes" in result.output
    assert len(result.output) < spec.output_cap_bytes + 100


async def test_timeout_kills_the_command_and_everything_it_started(
    spec: SandboxSpec, client: docker.DockerClient, environments: Environments
) -> None:
    async with DockerSandbox(spec, client, environments=environments) as sb:
        result = await sb.exec("sleep 600 & sleep 600", timeout=2)
        left = await sb.exec("ps -eo args", timeout=30)
    assert result.timed_out
    assert result.exit_code in (124, 137)
    assert "sleep 600" not in left.output
    assert "ps -eo args" in left.output  # the listing itself worked


async def test_no_host_environment_reaches_the_sandbox(
    spec: SandboxSpec,
    client: docker.DockerClient,
    environments: Environments,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AUTOFIX_CANARY_SECRET", "host-canary-91c2")
    explicit = spec.model_copy(update={"env": {"GIVEN": "explicit-value"}})
    async with DockerSandbox(explicit, client, environments=environments) as sb:
        result = await sb.exec("env; cat /proc/1/environ | tr '\\0' '\\n'")
    assert "host-canary-91c2" not in result.output
    assert "AUTOFIX_CANARY_SECRET" not in result.output
    assert "GIVEN=explicit-value" in result.output


async def test_files_round_trip_and_escapes_are_refused(
    spec: SandboxSpec, client: docker.DockerClient, environments: Environments
) -> None:
    payload = bytes(range(256)) * 3
    async with DockerSandbox(spec, client, environments=environments) as sb:
        await sb.write_file("new/dir/blob.bin", payload)
        await sb.write_file("calc/stats.py", "def mean(xs):\n    return 0\n")
        await sb.exec("ln -s /etc/passwd passwd_link; chmod 755 scripts/run.sh")
        await sb.write_file("scripts/run.sh", "#!/bin/sh\necho changed\n")
        assert await sb.read_file("new/dir/blob.bin") == payload
        assert await sb.read_file("/workspace/calc/stats.py") == b"def mean(xs):\n    return 0\n"
        run = await sb.exec("./scripts/run.sh; stat -c %U new/dir/blob.bin")
        for escape in ("../etc/passwd", "/etc/passwd", "calc/../../etc/passwd"):
            with pytest.raises(SandboxError, match="leaves the workspace"):
                await sb.read_file(escape)
        with pytest.raises(SandboxError, match="leaves the workspace"):
            await sb.read_file("passwd_link")
        with pytest.raises(SandboxError, match="leaves the workspace"):
            await sb.write_file("../outside.txt", b"x")
        with pytest.raises(FileNotFoundError):
            await sb.read_file("no/such/file")
    assert run.output.split() == ["changed", "agent"]
