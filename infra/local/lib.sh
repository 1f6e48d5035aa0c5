# shellcheck shell=bash
# Helpers shared by infra/local/*.sh. Source it; do not execute it.
#
# Only bash builtins plus coreutils, util-linux (setsid) and procps (ps) are
# used, so the scripts run on any Debian/Ubuntu box without extra packages.

# Repo root = two levels above this file, regardless of the caller's cwd.
SWITCHYARD_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Everything the local runners write lives under here (git-ignored).
SWITCHYARD_LOCAL_DIR="${SWITCHYARD_LOCAL_DIR:-$SWITCHYARD_REPO_ROOT/.local}"

_log_prefix="${_log_prefix:-local}"
log()  { printf '[%s] %s\n' "$_log_prefix" "$*" >&2; }
warn() { printf '[%s] WARNING: %s\n' "$_log_prefix" "$*" >&2; }
die()  { printf '[%s] ERROR: %s\n' "$_log_prefix" "$*" >&2; exit 1; }

# port_open HOST PORT -> 0 if something accepts TCP connections there.
# Uses bash's /dev/tcp, bounded by `timeout` so a blackholed address can't hang us.
port_open() {
  # shellcheck disable=SC2016 # $1/$2 expand in the child bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# pid_alive PID -> 0 if the process exists (and is not a zombie).
pid_alive() {
  local pid="$1" state
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  state="$(ps -o stat= -p "$pid" 2>/dev/null)" || return 1
  [[ "$state" != Z* ]]
}

# pid_cmdline PID -> full command line of PID on stdout.
pid_cmdline() { ps -ww -o args= -p "$1" 2>/dev/null; }

# read_pidfile FILE -> pid on stdout if FILE holds a live pid whose command
# line contains every further argument (guards against recycled pids).
read_pidfile() {
  local file="$1" pid cmd needle
  shift
  [[ -f "$file" ]] || return 1
  pid="$(tr -dc '0-9' <"$file")"
  pid_alive "$pid" || return 1
  cmd="$(pid_cmdline "$pid")"
  for needle in "$@"; do
    [[ "$cmd" == *"$needle"* ]] || return 1
  done
  printf '%s\n' "$pid"
}

# start_daemon PIDFILE OUTFILE CMD... -> runs CMD detached in its own session
# (so Ctrl-C / closing the terminal / the caller's process group being killed
# does not take it down), stdout+stderr appended to OUTFILE. The child writes
# its own pid before exec'ing CMD, so PIDFILE is right even when setsid forks.
start_daemon() {
  local pidfile="$1" outfile="$2"
  shift 2
  rm -f "$pidfile"
  # fd 9 is the callers' flock fd: the daemon must not inherit (and hold) the lock.
  # shellcheck disable=SC2016 # expanded by the child bash
  nohup setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$pidfile" "$@" \
    </dev/null >>"$outfile" 2>&1 9>&- &
  local i
  for ((i = 0; i < 50; i++)); do
    [[ -s "$pidfile" ]] && return 0
    sleep 0.1
  done
  die "process did not start (no pid written to $pidfile); see $outfile"
}

# stop_pid NAME PID TIMEOUT_S -> SIGTERM, wait up to TIMEOUT_S, then SIGKILL.
stop_pid() {
  local name="$1" pid="$2" timeout_s="$3" i
  log "stopping $name (pid $pid, SIGTERM)..."
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < timeout_s * 10; i++)); do
    pid_alive "$pid" || { log "$name stopped"; return 0; }
    sleep 0.1
  done
  warn "$name did not stop within ${timeout_s}s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    pid_alive "$pid" || { log "$name killed"; return 0; }
    sleep 0.1
  done
  die "$name (pid $pid) survived SIGKILL"
}

# file_hash FILE -> a content hash on stdout (sha256 where available).
file_hash() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d' ' -f1
  else
    cksum "$1" | cut -d' ' -f1,2
  fi
}

# node_major_wanted -> the Node major this repo runs on (.nvmrc, e.g. 24) on stdout.
node_major_wanted() {
  local want
  want="$(tr -dc '0-9' <"$SWITCHYARD_REPO_ROOT/.nvmrc")"
  [[ -n "$want" ]] || die "$SWITCHYARD_REPO_ROOT/.nvmrc holds no Node major"
  printf '%s\n' "$want"
}

# node_is_recent_enough NODE -> 0 if that node binary's major is at least .nvmrc's.
node_is_recent_enough() {
  local have
  have="$("$1" -p 'process.versions.node' 2>/dev/null)" || return 1
  ((${have%%.*} >= $(node_major_wanted)))
}

# require_node -> dies, saying how to get the right one, unless the `node` on PATH is at
# least .nvmrc's major. The entry points (npm test, npm run demo) call it first, so an old
# Node fails in a second with this message instead of minutes later with a syntax or
# engine error deep in a dependency (ADR 0028).
require_node() {
  local want have
  want="$(node_major_wanted)"
  command -v node >/dev/null 2>&1 || die "node not found: Switchyard needs Node $want LTS (.nvmrc)"
  node_is_recent_enough "$(command -v node)" && return 0
  have="$(node --version 2>/dev/null || echo unknown)"
  die "Node $have ($(command -v node)) is too old: Switchyard needs Node $want LTS (.nvmrc, ADR 0028).
  With nvm:          nvm install && nvm use
  Without (no root): export PATH=\"\$(bash infra/local/node.sh):\$PATH\"   # installs Node $want into .local/ from the npm registry, once"
}

# ---- 3-node clusters (nats-cluster.sh, kafka-cluster.sh) ----------------------
# The caller defines node_pid I (the node's pid if it runs) and client_port I.

# cluster_check_node I -> dies unless I is a node number (1..3).
cluster_check_node() { [[ "${1:-}" =~ ^[1-3]$ ]] || die "node must be 1, 2 or 3, got '${1:-}'"; }

# cluster_status NAME HOST -> one line per node; returns 3 if any is not serving.
cluster_status() {
  local name="$1" host="$2" i pid rc=0
  for i in 1 2 3; do
    if pid="$(node_pid "$i")" && port_open 127.0.0.1 "$(client_port "$i")"; then
      echo "$name node $i: running (pid $pid) on $host:$(client_port "$i")"
    else
      echo "$name node $i: not running"
      rc=3
    fi
  done
  return "$rc"
}

# cluster_kill_node NAME I -> SIGKILL node I, as a crash or the OOM killer would: no
# shutdown hook runs. Returns once the process is gone.
cluster_kill_node() {
  local pid
  cluster_check_node "$2"
  pid="$(node_pid "$2")" || die "$1 node $2 is not running"
  log "SIGKILL $1 node $2 (pid $pid)"
  kill -KILL "$pid"
  while pid_alive "$pid"; do sleep 0.05; done
}

# cluster_pid I -> node I's pid on stdout; exit 3 if it is not running.
cluster_pid() {
  cluster_check_node "$1"
  node_pid "$1" || exit 3
}
