#!/usr/bin/env bash
# One entry point for Switchyard's local infrastructure, without Docker:
# NATS (JetStream), PostgreSQL and Kafka.
#
# Usage: infra/local/brokers.sh up|down|status [--cluster]
#        infra/local/brokers.sh env --cluster
#
#   up      Make all three reachable on 127.0.0.1, reusing whatever already
#           answers on a port, starting only what is missing; create the
#           database; print a summary. Idempotent: a second `up` is a fast no-op.
#   down    Stop only what `up` started itself: Kafka (see kafka.sh) and NATS
#           if it was started here (pidfile). PostgreSQL is a system service
#           and is left running.
#   status  One line per service; exit 0 if all three answer, else 3.
#
#   --cluster  The same with clusters instead of single brokers (ADR 0037): a 3-node NATS
#           cluster with JetStream (nats-cluster.sh) and a 3-broker KRaft Kafka cluster
#           (kafka-cluster.sh), plus PostgreSQL as above. `up` ends with the environment
#           that runs the services on them; `env --cluster` prints only that, one
#           NAME=value a line:  env $(bash infra/local/brokers.sh env --cluster) <command>
#           The single brokers are left as they are: both can run side by side.
#
# Environment (defaults in brackets):
#   NATS_PORT             [4222]
#   PGPORT                [5432]        PostgreSQL on 127.0.0.1
#   PGUSER                [postgres]
#   PGDATABASE            [switchyard]  created if missing
#   PG_START_TIMEOUT      [30]  NATS_START_TIMEOUT [15]  (seconds)
#   SWITCHYARD_LOCAL_DIR  [<repo>/.local]  NATS state goes to $SWITCHYARD_LOCAL_DIR/nats/
#   KAFKA_*               passed through to infra/local/kafka.sh (see there)
#   NATS_CLUSTER_*, KAFKA_CLUSTER_*  passed through to nats-cluster.sh / kafka-cluster.sh
set -euo pipefail

_log_prefix=brokers
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

NATS_PORT="${NATS_PORT:-4222}"
PGHOST_LOCAL=127.0.0.1
PGPORT="${PGPORT:-5432}"
PGUSER="${PGUSER:-postgres}"
PGDATABASE="${PGDATABASE:-switchyard}"
PG_START_TIMEOUT="${PG_START_TIMEOUT:-30}"
NATS_START_TIMEOUT="${NATS_START_TIMEOUT:-15}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
export SWITCHYARD_LOCAL_DIR KAFKA_PORT

NATS_DIR="$SWITCHYARD_LOCAL_DIR/nats"
NATS_PIDFILE="$NATS_DIR/nats.pid"
NATS_LOG="$NATS_DIR/nats.log"

for _v in NATS_PORT PGPORT KAFKA_PORT PG_START_TIMEOUT NATS_START_TIMEOUT; do
  [[ "${!_v}" =~ ^[0-9]+$ ]] || die "$_v must be a number, got '${!_v}'"
done

wait_port() { # wait_port NAME HOST PORT TIMEOUT_S [PID]
  local name="$1" host="$2" port="$3" deadline=$((SECONDS + $4)) pid="${5:-}"
  while ((SECONDS < deadline)); do
    port_open "$host" "$port" && return 0
    if [[ -n "$pid" ]] && ! pid_alive "$pid"; then
      return 1
    fi
    sleep 0.2
  done
  return 1
}

# ---------------------------------------------------------------- NATS ------
nats_our_pid() { read_pidfile "$NATS_PIDFILE" nats-server "$NATS_DIR"; }

NATS_MANAGED=""
nats_up() {
  local pid
  if port_open 127.0.0.1 "$NATS_PORT"; then
    if pid="$(nats_our_pid)"; then NATS_MANAGED="brokers.sh (pid $pid)"; else NATS_MANAGED="external"; fi
    log "NATS: already answers on 127.0.0.1:$NATS_PORT ($NATS_MANAGED)"
    return 0
  fi
  command -v nats-server >/dev/null 2>&1 ||
    die "NATS: nothing answers on 127.0.0.1:$NATS_PORT and nats-server is not installed (Debian: apt-get install -y nats-server; or set NATS_PORT to a running server)"
  mkdir -p "$NATS_DIR"
  log "NATS: starting nats-server with JetStream on 127.0.0.1:$NATS_PORT (store $NATS_DIR)"
  # -js: JetStream (persistent streams) on; -sd: its store dir; bound to loopback only.
  start_daemon "$NATS_PIDFILE" "$NATS_DIR/nats.out" \
    nats-server -js -a 127.0.0.1 -p "$NATS_PORT" -sd "$NATS_DIR" -l "$NATS_LOG"
  pid="$(<"$NATS_PIDFILE")"
  if ! wait_port NATS 127.0.0.1 "$NATS_PORT" "$NATS_START_TIMEOUT" "$pid"; then
    tail -n 20 "$NATS_LOG" "$NATS_DIR/nats.out" >&2 2>/dev/null || true
    pid_alive "$pid" && stop_pid nats "$pid" 5
    rm -f "$NATS_PIDFILE"
    die "NATS: nats-server did not answer on 127.0.0.1:$NATS_PORT within ${NATS_START_TIMEOUT}s (log: $NATS_LOG)"
  fi
  NATS_MANAGED="brokers.sh (pid $pid)"
  log "NATS: ready"
}

nats_down() {
  local pid
  if pid="$(nats_our_pid)"; then
    stop_pid nats "$pid" 10
  else
    log "NATS: not started by brokers.sh; left alone"
  fi
  rm -f "$NATS_PIDFILE"
}

# ------------------------------------------------------------ PostgreSQL ----
PG_MANAGED=""
pg_up() {
  if port_open "$PGHOST_LOCAL" "$PGPORT"; then
    PG_MANAGED="external"
    log "PostgreSQL: already answers on $PGHOST_LOCAL:$PGPORT"
  elif command -v pg_ctlcluster >/dev/null 2>&1 && [[ -d /etc/postgresql ]] &&
    compgen -G "/etc/postgresql/*/main" >/dev/null; then
    local version
    # Newest installed major version's "main" cluster (Debian's postgresql-common layout).
    version="$(find /etc/postgresql -mindepth 2 -maxdepth 2 -name main -printf '%h\n' | xargs -n1 basename | sort -V | tail -n1)"
    local cluster_port
    cluster_port="$(pg_lsclusters -h 2>/dev/null | awk -v v="$version" '$1 == v && $2 == "main" {print $3}')"
    if [[ -n "$cluster_port" && "$cluster_port" != "$PGPORT" ]]; then
      die "PostgreSQL: nothing answers on $PGHOST_LOCAL:$PGPORT, and cluster $version/main is configured for port $cluster_port; set PGPORT=$cluster_port"
    fi
    log "PostgreSQL: starting cluster $version/main with pg_ctlcluster"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start ||
      die "PostgreSQL: 'pg_ctlcluster --skip-systemctl-redirect $version main start' failed (logs: /var/log/postgresql/)"
    wait_port PostgreSQL "$PGHOST_LOCAL" "$PGPORT" "$PG_START_TIMEOUT" ||
      die "PostgreSQL: cluster $version/main started but nothing answers on $PGHOST_LOCAL:$PGPORT (check 'port' in /etc/postgresql/$version/main/postgresql.conf, or set PGPORT)"
    PG_MANAGED="pg_ctlcluster $version/main"
  else
    die "PostgreSQL: nothing answers on $PGHOST_LOCAL:$PGPORT and no Debian cluster to start (pg_ctlcluster / /etc/postgresql/*/main missing).
  Install it:   apt-get install -y postgresql   (then re-run; local connections need 'trust' or PGPASSWORD)
  or point PGPORT (and PGUSER/PGPASSWORD) at a PostgreSQL server you already run on 127.0.0.1."
  fi

  command -v psql >/dev/null 2>&1 || die "PostgreSQL: psql not found (Debian: apt-get install -y postgresql-client)"
  local deadline=$((SECONDS + PG_START_TIMEOUT)) exists=""
  # The port may open before the server accepts logins (startup/recovery): retry.
  while :; do
    if exists="$(psql -h "$PGHOST_LOCAL" -p "$PGPORT" -U "$PGUSER" -d postgres -X -q -tA -v ON_ERROR_STOP=1 \
      -v db="$PGDATABASE" 2>&1 <<<"select 1 from pg_database where datname = :'db'")"; then
      break
    fi
    ((SECONDS < deadline)) || die "PostgreSQL: cannot query as user '$PGUSER' on $PGHOST_LOCAL:$PGPORT: $exists"
    sleep 0.5
  done
  if [[ "$exists" != 1 ]]; then
    log "PostgreSQL: creating database '$PGDATABASE'"
    createdb -h "$PGHOST_LOCAL" -p "$PGPORT" -U "$PGUSER" -- "$PGDATABASE" ||
      die "PostgreSQL: createdb '$PGDATABASE' failed"
  fi
}

# -------------------------------------------------------------- clusters ----
# What a service needs to run on the clusters: every seed address, and replication
# that survives one node (stream/bucket R3; topics RF 3, acks=all needs 2 in sync).
cluster_env() {
  echo "NATS_URL=$("$HERE/nats-cluster.sh" urls)"
  echo "KAFKA_BROKERS=$("$HERE/kafka-cluster.sh" bootstrap)"
  echo "JETSTREAM_REPLICAS=3"
  echo "KAFKA_REPLICATION_FACTOR=3"
  echo "KAFKA_MIN_INSYNC_REPLICAS=2"
}

cmd_up_cluster() {
  local start=$SECONDS
  pg_up
  "$HERE/nats-cluster.sh" up >/dev/null
  "$HERE/kafka-cluster.sh" up >/dev/null
  echo
  "$HERE/nats-cluster.sh" status || true
  "$HERE/kafka-cluster.sh" status || true
  echo "postgres: postgres://$PGUSER@$PGHOST_LOCAL:$PGPORT/$PGDATABASE ($PG_MANAGED)"
  echo
  echo "Run the services on the clusters with this environment (all up in $((SECONDS - start))s):"
  cluster_env | sed 's/^/  /'
  echo "  e.g.  env \$(bash infra/local/brokers.sh env --cluster) node apps/orders/dist/main.js"
  echo "  the whole demo on them: npm run demo -- --cluster"
  echo "Stop with: infra/local/brokers.sh down --cluster"
}

cmd_down_cluster() {
  "$HERE/kafka-cluster.sh" down
  "$HERE/nats-cluster.sh" down
  log "PostgreSQL: system service, left running"
}

cmd_status_cluster() {
  local rc=0
  "$HERE/nats-cluster.sh" status || rc=3
  "$HERE/kafka-cluster.sh" status || rc=3
  if port_open "$PGHOST_LOCAL" "$PGPORT"; then
    echo "postgres: running on $PGHOST_LOCAL:$PGPORT"
  else
    echo "postgres: not running ($PGHOST_LOCAL:$PGPORT)"
    rc=3
  fi
  return "$rc"
}

# ----------------------------------------------------------------- main -----
cmd_up() {
  local start=$SECONDS
  nats_up
  pg_up
  "$HERE/kafka.sh" up
  local kafka_pid kafka_managed="external"
  if kafka_pid="$(read_pidfile "$SWITCHYARD_LOCAL_DIR/kafka/kafka.pid" kafka.Kafka)"; then
    kafka_managed="kafka.sh (pid $kafka_pid)"
  fi
  echo
  printf '%-11s %-48s %s\n' SERVICE URL MANAGED-BY
  printf '%-11s %-48s %s\n' nats "nats://127.0.0.1:$NATS_PORT" "$NATS_MANAGED"
  printf '%-11s %-48s %s\n' postgres "postgres://$PGUSER@$PGHOST_LOCAL:$PGPORT/$PGDATABASE" "$PG_MANAGED"
  printf '%-11s %-48s %s\n' kafka "${KAFKA_ADVERTISED_HOST:-localhost}:$KAFKA_PORT" "$kafka_managed"
  echo "(all up in $((SECONDS - start))s; stop with: infra/local/brokers.sh down)"
}

cmd_down() {
  "$HERE/kafka.sh" down
  nats_down
  log "PostgreSQL: system service, left running"
}

cmd_status() {
  local rc=0 pid
  if port_open 127.0.0.1 "$NATS_PORT"; then
    if pid="$(nats_our_pid)"; then
      echo "nats: running on 127.0.0.1:$NATS_PORT (started by brokers.sh, pid $pid)"
    else
      echo "nats: running on 127.0.0.1:$NATS_PORT (external)"
    fi
  else
    echo "nats: not running (127.0.0.1:$NATS_PORT)"
    rc=3
  fi
  if port_open "$PGHOST_LOCAL" "$PGPORT"; then
    local exists
    exists="$(psql -h "$PGHOST_LOCAL" -p "$PGPORT" -U "$PGUSER" -d postgres -X -q -tA \
      -v db="$PGDATABASE" 2>/dev/null <<<"select 1 from pg_database where datname = :'db'" || true)"
    if [[ "$exists" == 1 ]]; then
      echo "postgres: running on $PGHOST_LOCAL:$PGPORT (database '$PGDATABASE' exists)"
    else
      echo "postgres: running on $PGHOST_LOCAL:$PGPORT (database '$PGDATABASE' missing or not queryable)"
      rc=3
    fi
  else
    echo "postgres: not running ($PGHOST_LOCAL:$PGPORT)"
    rc=3
  fi
  "$HERE/kafka.sh" status || rc=3
  return "$rc"
}

case "${1:-} ${2:-}" in
  "up ") cmd_up ;;
  "down ") cmd_down ;;
  "status ") cmd_status ;;
  "up --cluster") cmd_up_cluster ;;
  "down --cluster") cmd_down_cluster ;;
  "status --cluster") cmd_status_cluster ;;
  "env --cluster") cluster_env ;;
  *)
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2
    exit 2
    ;;
esac
