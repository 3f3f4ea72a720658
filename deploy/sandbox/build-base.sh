#!/usr/bin/env bash
# Builds a sandbox base image from Debian packages (no registry needed).
# Usage: deploy/sandbox/build-base.sh [IMAGE] [--toolchains node,go,rust,java]
#   IMAGE defaults to autofix-sandbox:bookworm (Python only). Toolchains come from bookworm:
#   node = nodejs 18 + npm, go = golang-go 1.19, rust = cargo + rustc 1.63,
#   java = default-jdk-headless (OpenJDK 17).
set -euo pipefail
IMAGE=autofix-sandbox:bookworm
TOOLCHAINS=
while [ $# -gt 0 ]; do
  case "$1" in
    --toolchains) [ $# -ge 2 ] || { echo "--toolchains needs a list, e.g. node,go" >&2; exit 2; }
                  TOOLCHAINS="$2"; shift 2 ;;
    --toolchains=*) TOOLCHAINS="${1#--toolchains=}"; shift ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    -*) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    *) IMAGE="$1"; shift ;;
  esac
done
PACKAGES="python3,python3-pip,python3-venv,python3-pytest,git,ca-certificates,procps"
EXTRA=""  # toolchain packages, space-separated
IFS=',' read -r -a WANTED <<< "$TOOLCHAINS"
for toolchain in "${WANTED[@]}"; do
  case "$toolchain" in
    "") ;;
    node) EXTRA="$EXTRA nodejs npm" ;;
    # Go 1.19 builds packages such as net with cgo, which needs a C compiler.
    go) EXTRA="$EXTRA golang-go gcc libc6-dev" ;;
    rust) EXTRA="$EXTRA cargo rustc" ;;
    java) EXTRA="$EXTRA default-jdk-headless" ;;
    *) echo "unknown toolchain '$toolchain': choose from node, go, rust, java" >&2; exit 2 ;;
  esac
done
if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "sandbox image $IMAGE already present"
  exit 0
fi
if ! command -v debootstrap >/dev/null; then
  # Without debootstrap, build from the registry's Debian image (needs registry access).
  echo "debootstrap not found; trying docker build FROM debian:bookworm" >&2
  docker build -q -t "$IMAGE" --build-arg "PACKAGES=${PACKAGES//,/ }$EXTRA" - >/dev/null <<'DOCKERFILE' || {
FROM debian:bookworm
ARG PACKAGES
RUN apt-get update && apt-get install -y --no-install-recommends $PACKAGES \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid 1000 agent && useradd --uid 1000 --gid 1000 --create-home --shell /bin/bash agent \
    && mkdir -p /workspace && chown agent:agent /workspace \
    && git config --system user.name autofix && git config --system user.email autofix@localhost \
    && git config --system safe.directory '*' && git config --system init.defaultBranch main
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8
USER agent
WORKDIR /workspace
CMD ["/bin/bash"]
DOCKERFILE
    echo "could not build $IMAGE: install debootstrap (apt-get install -y debootstrap) or give Docker registry access" >&2
    exit 2
  }
  echo "built sandbox image $IMAGE"
  exit 0
fi
[ "$(id -u)" = 0 ] || { echo "building the base image needs root (debootstrap)" >&2; exit 2; }
ROOT="$(mktemp -d /tmp/autofix-rootfs.XXXXXX)"
LOG="$(mktemp /tmp/autofix-debootstrap.XXXXXX.log)"
trap 'rm -rf "$ROOT" "$LOG"' EXIT
MIRROR="${AUTOFIX_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
debootstrap --variant=minbase --include="$PACKAGES" bookworm "$ROOT" "$MIRROR" >"$LOG" 2>&1 \
  || { tail -20 "$LOG" >&2; exit 1; }
if [ -n "$EXTRA" ]; then
  # Toolchains go in with apt inside the new root rather than through --include: the JDK's
  # and ca-certificates-java's maintainer scripts run java, which needs /proc and an order of
  # configuration debootstrap does not give them.
  mount -t proc proc "$ROOT/proc"
  trap 'umount "$ROOT/proc" 2>/dev/null || true; rm -rf "$ROOT" "$LOG"' EXIT
  cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
  { chroot "$ROOT" apt-get update -q \
      && DEBIAN_FRONTEND=noninteractive chroot "$ROOT" apt-get install -y -q \
           --no-install-recommends $EXTRA; } >"$LOG" 2>&1 \
    || { tail -20 "$LOG" >&2; exit 1; }
  chroot "$ROOT" apt-get clean
  umount "$ROOT/proc"
fi
# The unprivileged user every sandbox runs as.
chroot "$ROOT" groupadd --gid 1000 agent
chroot "$ROOT" useradd --uid 1000 --gid 1000 --create-home --shell /bin/bash agent
mkdir -p "$ROOT/workspace"
chroot "$ROOT" chown agent:agent /workspace
git config --file "$ROOT/etc/gitconfig" user.name autofix
git config --file "$ROOT/etc/gitconfig" user.email autofix@localhost
git config --file "$ROOT/etc/gitconfig" safe.directory '*'
git config --file "$ROOT/etc/gitconfig" init.defaultBranch main
rm -rf "$ROOT"/var/cache/apt/archives/*.deb "$ROOT"/var/lib/apt/lists/*
tar -C "$ROOT" -c . | docker import \
  --change 'USER agent' --change 'WORKDIR /workspace' --change 'CMD ["/bin/bash"]' \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8' \
  ${TOOLCHAINS:+--change "LABEL autofix.toolchains=${TOOLCHAINS}"} \
  - "$IMAGE" >/dev/null
echo "built sandbox image $IMAGE${TOOLCHAINS:+ with $TOOLCHAINS}"
