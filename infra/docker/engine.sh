#!/usr/bin/env bash
# A Docker engine for the compose smoke test (smoke.sh) on machines where none runs, such as
# this project's CI: Debian's docker.io, started as root with its own data root and socket,
# so it never touches another engine on the machine.
#
#   infra/docker/engine.sh up      reuse the engine DOCKER_HOST (or the default socket) points
#                                  at if one answers; otherwise start ours. Prints
#                                  `export DOCKER_HOST=…` for the caller to eval.
#   infra/docker/engine.sh down    stop the engine this script started (no-op otherwise)
#   infra/docker/engine.sh status
#
# Environment: SWITCHYARD_DOCKER_DIR [/tmp/switchyard-docker] (socket, pidfile, exec root; a
# short path: a Unix socket path has a 108-byte limit), SWITCHYARD_DOCKER_DATA
# [$SWITCHYARD_LOCAL_DIR/docker] (images and build cache; survives `down`), DOCKERD [dockerd].
#
# --iptables=false: the engine leaves the host's firewall alone. Containers still reach each
# other on compose's networks and published ports work (userland proxy), but nothing leaves
# the machine from a bridge network: builds that download use host networking.
set -euo pipefail
_log_prefix=engine
# shellcheck source=../local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../local/lib.sh"

RUN_DIR="${SWITCHYARD_DOCKER_DIR:-/tmp/switchyard-docker}"
DATA_DIR="${SWITCHYARD_DOCKER_DATA:-$SWITCHYARD_LOCAL_DIR/docker}"
SOCK="$RUN_DIR/docker.sock"
PIDFILE="$RUN_DIR/dockerd.pid"
DOCKERD="${DOCKERD:-dockerd}"
# The docker.io package's own 20.10 client: it builds with BuildKit; a newer client without
# the buildx plugin that may come first on PATH cannot.
DOCKER="${DOCKER:-/usr/bin/docker}"

answers() { DOCKER_HOST="$1" timeout 10 "$DOCKER" version >/dev/null 2>&1; }

cmd_up() {
  local host="${DOCKER_HOST:-unix:///var/run/docker.sock}" pid t=$SECONDS
  if answers "$host"; then
    log "reusing the engine at $host"
    echo "export DOCKER_HOST=$host"
    return 0
  fi
  if answers "unix://$SOCK"; then
    log "reusing our engine at unix://$SOCK"
    echo "export DOCKER_HOST=unix://$SOCK"
    return 0
  fi
  command -v "$DOCKERD" >/dev/null || die "dockerd not found (Debian: apt-get install docker.io)"
  [[ "$(id -u)" == 0 ]] || die "dockerd must run as root here (no rootless setup)"
  mkdir -p "$RUN_DIR" "$DATA_DIR"
  start_daemon "$PIDFILE.launcher" "$RUN_DIR/dockerd.log" "$DOCKERD" \
    --data-root "$DATA_DIR" --exec-root "$RUN_DIR/exec" --pidfile "$PIDFILE" \
    -H "unix://$SOCK" --iptables=false
  until answers "unix://$SOCK"; do
    ((SECONDS - t < 60)) || { tail -n 30 "$RUN_DIR/dockerd.log" >&2; die "dockerd did not answer within 60 s"; }
    sleep 0.5
  done
  pid="$(tr -dc 0-9 <"$PIDFILE")"
  log "started dockerd (pid $pid) at unix://$SOCK in $((SECONDS - t)) s; data in $DATA_DIR"
  echo "export DOCKER_HOST=unix://$SOCK"
}

cmd_down() {
  local pid
  pid="$(read_pidfile "$PIDFILE" dockerd)" || { log "no engine of ours is running"; return 0; }
  stop_pid dockerd "$pid" 30
  rm -f "$PIDFILE" "$PIDFILE.launcher"
  log "stopped dockerd (pid $pid)"
}

cmd_status() {
  if answers "unix://$SOCK"; then echo "running (unix://$SOCK)"; else echo "not running"; exit 3; fi
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *)
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2
    exit 2
    ;;
esac
