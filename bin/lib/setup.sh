# Shared setup for the bin/ scripts: each step is idempotent and says what to do on failure.
# shellcheck shell=bash

AUTOFIX_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export UV_PYTHON_DOWNLOADS="${UV_PYTHON_DOWNLOADS:-never}"
SANDBOX_IMAGE="${AUTOFIX_SANDBOX_IMAGE:-autofix-sandbox:bookworm}"
# The image with every toolchain, for tests of Go, Node, Rust and Java repositories.
POLYGLOT_IMAGE="autofix-sandbox:polyglot"
POLYGLOT_TOOLCHAINS="node,go,rust,java"

die() { echo "error: $*" >&2; exit 2; }

ensure_uv() {
  if command -v uv >/dev/null 2>&1; then UV=uv; return; fi
  local tools="$AUTOFIX_ROOT/.tools"
  if [ ! -x "$tools/bin/uv" ]; then
    echo "installing uv into $tools"
    python3 -m venv "$tools" || die "python3 -m venv failed: install Python 3.11+ with venv"
    "$tools/bin/pip" install --quiet uv || die "could not install uv from the package index"
  fi
  UV="$tools/bin/uv"
}

ensure_env() {
  (cd "$AUTOFIX_ROOT" && "$UV" sync --frozen --quiet) || die "uv sync failed (see above)"
}

ensure_docker() {
  command -v docker >/dev/null 2>&1 || die "docker CLI not found: install Docker (apt-get install -y docker.io)"
  docker info >/dev/null 2>&1 || die "Docker engine not reachable: start it (systemctl start docker, or dockerd &) and check that $USER may use /var/run/docker.sock"
}

ensure_base_image() {
  "$AUTOFIX_ROOT/deploy/sandbox/build-base.sh" "$SANDBOX_IMAGE"
}

# Not fatal: without it the tests that need it are skipped, each saying why.
ensure_polyglot_image() {
  "$AUTOFIX_ROOT/deploy/sandbox/build-base.sh" "$POLYGLOT_IMAGE" --toolchains "$POLYGLOT_TOOLCHAINS" \
    || echo "warning: could not build $POLYGLOT_IMAGE (see above); tests that need it will be skipped" >&2
}
