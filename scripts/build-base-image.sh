#!/usr/bin/env bash
# Builds the local base images the Dockerfile needs, without any registry:
#   local/debian:bookworm   - Debian bookworm minbase made with debootstrap, then `docker import`
#   local/pushsync-jre:17   - local/debian:bookworm + openjdk-17-jre-headless (docker/jre.Dockerfile)
# Idempotent: an image that already exists is left alone (delete it with `docker rmi` to rebuild).
# Needs root, debootstrap and a running Docker engine.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_IMAGE="${DEBIAN_IMAGE:-local/debian:bookworm}"
JRE_IMAGE="${JRE_IMAGE:-local/pushsync-jre:17}"

exists() { docker image inspect "$1" >/dev/null 2>&1; }

if exists "$DEBIAN_IMAGE"; then
  echo "build-base-image: $DEBIAN_IMAGE exists, skipped"
else
  command -v debootstrap >/dev/null 2>&1 || { echo "build-base-image: debootstrap is missing (apt-get install -y debootstrap)" >&2; exit 1; }
  MIRROR="${DEBIAN_MIRROR:-}"
  if [ -z "$MIRROR" ] && [ -f /etc/apt/sources.list.d/debian.sources ]; then
    MIRROR=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  fi
  MIRROR="${MIRROR:-http://deb.debian.org/debian}"
  ROOTFS=$(mktemp -d /tmp/pushsync-rootfs.XXXXXX)
  trap 'rm -rf "$ROOTFS"' EXIT
  echo "build-base-image: debootstrap --variant=minbase bookworm from $MIRROR"
  start=$SECONDS
  debootstrap --variant=minbase bookworm "$ROOTFS" "$MIRROR" > "$ROOTFS.log" 2>&1 \
    || { tail -20 "$ROOTFS.log" >&2; exit 1; }
  rm -f "$ROOTFS.log"
  rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/*
  tar -C "$ROOTFS" -c . | docker import - "$DEBIAN_IMAGE" >/dev/null
  rm -rf "$ROOTFS"
  trap - EXIT
  echo "build-base-image: built $DEBIAN_IMAGE in $((SECONDS - start)) s"
fi

if exists "$JRE_IMAGE"; then
  echo "build-base-image: $JRE_IMAGE exists, skipped"
else
  start=$SECONDS
  docker build -q --build-arg "DEBIAN_IMAGE=$DEBIAN_IMAGE" -t "$JRE_IMAGE" -f docker/jre.Dockerfile docker >/dev/null
  echo "build-base-image: built $JRE_IMAGE in $((SECONDS - start)) s"
fi

docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E "^(${DEBIAN_IMAGE}|${JRE_IMAGE}) " || true
