"""deploy/sandbox/build-base.sh: its options, checked before anything is built."""

from __future__ import annotations

import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "deploy" / "sandbox" / "build-base.sh"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, timeout=30, check=False
    )


def test_unknown_toolchains_are_refused_naming_the_choices() -> None:
    done = run("autofix-sandbox:never-built", "--toolchains", "node,cobol")
    assert done.returncode == 2
    assert "unknown toolchain 'cobol'" in done.stderr and "node, go, rust, java" in done.stderr


def test_options_are_checked() -> None:
    assert run("--toolchains").returncode == 2
    assert run("--bogus").returncode == 2
    helped = run("--help")
    assert helped.returncode == 0 and "--toolchains node,go,rust,java" in helped.stdout


def test_the_default_image_keeps_its_packages() -> None:
    text = SCRIPT.read_text()
    assert (
        'PACKAGES="python3,python3-pip,python3-venv,python3-pytest,git,ca-certificates,procps"'
        in text
    )
    assert "IMAGE=autofix-sandbox:bookworm" in text
