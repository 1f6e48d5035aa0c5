#!/usr/bin/env bash
# The project's own nats-server, with authorization: infra/nats/nats-server.conf (one NKey
# user per process, permissions generated from packages/contracts), for `npm run demo`.
# The machine's NATS on :4222 (brokers.sh) stays as it is, without users, for the int tests.
#
# Usage: infra/local/nats-auth.sh up|down|status|keys|env USER
#
#   up      Make the users' keys on first run (.local/nats-auth/credentials/, git-ignored,
#           one <user>.env per user, mode 0600), start nats-server on NATS_AUTH_PORT with
#           the public keys in its environment. Already running: reload its config (a
#           regenerated auth.conf takes effect; a new user needs down + up).
#   down    Stop it (only if this script started it).
#   status  Does it answer?
#   keys    Only make the users' keys (first run) -- for nats-cluster.sh's nodes, which load
#           the same auth.conf with the same public keys.
#   env     `NAME=value` lines a process needs to connect as USER (NATS_URL, its seed,
#           its inbox prefix): `env $(bash infra/local/nats-auth.sh env scenario) npm run scenario -- list`
#
# Environment (defaults in brackets):
#   NATS_AUTH_PORT        [4223]
#   NATS_START_TIMEOUT    [15]  (seconds)
#   SWITCHYARD_LOCAL_DIR  [<repo>/.local]  state in $SWITCHYARD_LOCAL_DIR/nats-auth/
# Rotating a key: delete its credentials/<user>.env, then `down`, `up`, and restart that process.
set -euo pipefail

_log_prefix=nats-auth
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NATS_AUTH_PORT="${NATS_AUTH_PORT:-4223}"
NATS_START_TIMEOUT="${NATS_START_TIMEOUT:-15}"
for _v in NATS_AUTH_PORT NATS_START_TIMEOUT; do
  [[ "${!_v}" =~ ^[0-9]+$ ]] || die "$_v must be a number, got '${!_v}'"
done
DIR="$SWITCHYARD_LOCAL_DIR/nats-auth"
CREDENTIALS="$DIR/credentials"
PIDFILE="$DIR/nats.pid"
LOG="$DIR/nats.log"
CONF="$SWITCHYARD_REPO_ROOT/infra/nats/nats-server.conf"
GENERATOR="$SWITCHYARD_REPO_ROOT/tools/catalog/dist/nats-credentials.js"

our_pid() { read_pidfile "$PIDFILE" nats-server "$CONF"; }

credentials() {
  if [[ ! -f "$GENERATOR" ]]; then
    log "building the credentials generator (tools/catalog)"
    (cd "$SWITCHYARD_REPO_ROOT" && npx turbo run build --filter=@switchyard/catalog-docs --output-logs=errors-only >&2)
  fi
  node "$GENERATOR" "$CREDENTIALS" >&2
}

up() {
  local pid
  credentials
  if pid="$(our_pid)"; then
    nats-server --signal "reload=$pid" >/dev/null
    log "already running on 127.0.0.1:$NATS_AUTH_PORT (pid $pid); configuration reloaded"
    return 0
  fi
  port_open 127.0.0.1 "$NATS_AUTH_PORT" &&
    die "something else answers on 127.0.0.1:$NATS_AUTH_PORT: set NATS_AUTH_PORT"
  command -v nats-server >/dev/null 2>&1 || die "nats-server is not installed (Debian: apt-get install -y nats-server)"
  mkdir -p "$DIR"
  log "starting nats-server with authorization on 127.0.0.1:$NATS_AUTH_PORT (store $DIR)"
  # The public keys only: the seeds stay in the users' files.
  (
    set -a
    # shellcheck source=/dev/null
    source "$CREDENTIALS/server.env"
    set +a
    start_daemon "$PIDFILE" "$DIR/nats.out" \
      nats-server -c "$CONF" -a 127.0.0.1 -p "$NATS_AUTH_PORT" -sd "$DIR" -l "$LOG"
  )
  pid="$(<"$PIDFILE")"
  local deadline=$((SECONDS + NATS_START_TIMEOUT))
  until port_open 127.0.0.1 "$NATS_AUTH_PORT"; do
    if ((SECONDS >= deadline)) || ! pid_alive "$pid"; then
      tail -n 20 "$LOG" "$DIR/nats.out" >&2 2>/dev/null || true
      pid_alive "$pid" && stop_pid nats-auth "$pid" 5
      die "nats-server did not answer on 127.0.0.1:$NATS_AUTH_PORT (log: $LOG)"
    fi
    sleep 0.2
  done
  log "ready (pid $pid)"
}

down() {
  local pid
  if pid="$(our_pid)"; then stop_pid nats-auth "$pid" 10; else log "not started by this script; left alone"; fi
  rm -f "$PIDFILE"
}

user_env() {
  local user="${1:-}" file
  file="$CREDENTIALS/$user.env"
  [[ -n "$user" && -f "$file" ]] || die "no credentials for '$user' (run: $0 up; users: $(cd "$CREDENTIALS" 2>/dev/null && ls -- *.env | grep -v server.env | sed 's/\.env$//' | tr '\n' ' '))"
  echo "NATS_URL=nats://127.0.0.1:$NATS_AUTH_PORT"
  cat "$file"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status)
    if port_open 127.0.0.1 "$NATS_AUTH_PORT"; then echo "nats-auth: running on 127.0.0.1:$NATS_AUTH_PORT"; else echo "nats-auth: not running"; exit 3; fi
    ;;
  keys) credentials ;;
  env) user_env "${2:-}" ;;
  *) die "usage: $0 up|down|status|keys|env USER" ;;
esac
