"""Toolchains a repository can ask for, installed from Debian's packages into a cached layer."""

from __future__ import annotations

# toolchain -> (a command that proves it is there, the Debian packages that bring it)
PACKAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "node": ("npm", ("nodejs", "npm")),
    # Go 1.19 builds packages such as net with cgo, which needs a C compiler.
    "go": ("go", ("golang-go", "gcc", "libc6-dev")),
    "rust": ("cargo", ("cargo", "rustc")),
    "java": ("javac", ("default-jdk-headless",)),
}


def install_script(toolchains: tuple[str, ...]) -> str:
    """A root shell script that installs what the image lacks, and does nothing otherwise."""
    checks = "\n".join(
        f'command -v {probe} >/dev/null 2>&1 || missing="$missing {" ".join(packages)}"'
        for probe, packages in (PACKAGES[name] for name in toolchains)
    )
    return f"""set -e
missing=
{checks}
[ -n "$missing" ] || exit 0
command -v apt-get >/dev/null 2>&1 || {{
  echo "the sandbox image has no apt-get: install$missing in the image itself"; exit 3; }}
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
apt-get clean
rm -rf /var/lib/apt/lists/*
"""
