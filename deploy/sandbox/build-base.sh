#!/usr/bin/env bash
# Builds the sandbox base image from Debian packages (no registry needed).
# Usage: deploy/sandbox/build-base.sh [IMAGE]   (default autofix-sandbox:bookworm)
set -euo pipefail
IMAGE="${1:-autofix-sandbox:bookworm}"
if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "sandbox image $IMAGE already present"
  exit 0
fi
if ! command -v debootstrap >/dev/null; then
  # Without debootstrap, build from the registry's Debian image (needs registry access).
  echo "debootstrap not found; trying docker build FROM debian:bookworm" >&2
  docker build -q -t "$IMAGE" - >/dev/null <<'DOCKERFILE' || {
FROM debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-pip \
      python3-venv python3-pytest git ca-certificates procps \
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
trap 'rm -rf "$ROOT"' EXIT
MIRROR="${AUTOFIX_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
debootstrap --variant=minbase \
  --include=python3,python3-pip,python3-venv,python3-pytest,git,ca-certificates,procps \
  bookworm "$ROOT" "$MIRROR" >/tmp/autofix-debootstrap.log 2>&1 \
  || { tail -20 /tmp/autofix-debootstrap.log >&2; exit 1; }
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
  - "$IMAGE" >/dev/null
echo "built sandbox image $IMAGE"
