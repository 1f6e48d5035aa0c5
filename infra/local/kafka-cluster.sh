#!/usr/bin/env bash
# A local 3-broker Kafka cluster in KRaft mode, as plain JVMs (ADR 0037).
#
# Usage: infra/local/kafka-cluster.sh up|down|status|reset|bootstrap|kill-node I|stop-node I|start-node I|pid I
#
#   up            start the nodes that are not running (all at once: a node cannot finish
#                 starting without a majority of the controller quorum) and wait until each
#                 serves clients. Prints the bootstrap list.
#   down          stop all nodes (SIGTERM together, SIGKILL after KAFKA_STOP_TIMEOUT s).
#   status        one line per node; exit 0 if all three serve, else 3.
#   reset         down, then delete the nodes' data, logs and the cluster id.
#   bootstrap     print the bootstrap list (KAFKA_BROKERS) and nothing else.
#   kill-node I   SIGKILL node I (1..3), as a crash would; returns when the process is gone.
#   stop-node I   SIGTERM node I (controlled shutdown: its leaderships move first) and wait.
#   start-node I  start node I again on its own data and wait until it serves clients.
#   pid I         print node I's pid (exit 3 if it is not running).
#
# Every node is one infra/local/kafka.sh with KAFKA_NODE_ID=I and KAFKA_QUORUM set to the
# three voters: a combined broker+controller, static quorum, PLAINTEXT on 127.0.0.1.
#
# Environment (defaults in brackets):
#   KAFKA_CLUSTER_BASE_PORT  [29092]  node I: clients on BASE+I-1 (29092-29094), controller
#                            on BASE+100+I-1 (29192-29194)
#   KAFKA_CLUSTER_HEAP_OPTS  [-Xms128m -Xmx384m]  per node (three JVMs on a small machine)
#   KAFKA_LIBS_DIR           [$SWITCHYARD_LOCAL_DIR/kafka/libs]  the single broker's jars, shared
#   KAFKA_START_TIMEOUT      [120]  KAFKA_STOP_TIMEOUT [30]  seconds, per node (kafka.sh)
#   SWITCHYARD_LOCAL_DIR     [<repo>/.local]  node I lives in
#                            $SWITCHYARD_LOCAL_DIR/kafka-cluster/node-I/kafka/ (kafka.sh's layout);
#                            the cluster id in $SWITCHYARD_LOCAL_DIR/kafka-cluster/cluster-id
set -euo pipefail

_log_prefix=kafka-cluster
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

KAFKA_CLUSTER_BASE_PORT="${KAFKA_CLUSTER_BASE_PORT:-29092}"
[[ "$KAFKA_CLUSTER_BASE_PORT" =~ ^[0-9]+$ ]] || die "KAFKA_CLUSTER_BASE_PORT must be a number"
export KAFKA_HEAP_OPTS="${KAFKA_CLUSTER_HEAP_OPTS:--Xms128m -Xmx384m}"
export KAFKA_LIBS_DIR="${KAFKA_LIBS_DIR:-$SWITCHYARD_LOCAL_DIR/kafka/libs}"
# Three JVMs starting at once on two shared cores are slower than one.
export KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-120}"
export KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
NODES=(1 2 3)
CLUSTER_DIR="$SWITCHYARD_LOCAL_DIR/kafka-cluster"
CLUSTER_ID_FILE="$CLUSTER_DIR/cluster-id"

client_port() { echo $((KAFKA_CLUSTER_BASE_PORT + $1 - 1)); }
controller_port() { echo $((KAFKA_CLUSTER_BASE_PORT + 100 + $1 - 1)); }

bootstrap() {
  local i out=()
  for i in "${NODES[@]}"; do out+=("localhost:$(client_port "$i")"); done
  (IFS=,; echo "${out[*]}")
}

quorum() {
  local i out=()
  for i in "${NODES[@]}"; do out+=("$i@localhost:$(controller_port "$i")"); done
  (IFS=,; echo "${out[*]}")
}

# node I ARGS...: run kafka.sh for node I (its own dir and ports, the shared quorum).
node() {
  local i="$1"
  shift
  SWITCHYARD_LOCAL_DIR="$CLUSTER_DIR/node-$i" KAFKA_NODE_ID="$i" KAFKA_QUORUM="$(quorum)" \
    KAFKA_CLUSTER_ID="$(cat "$CLUSTER_ID_FILE" 2>/dev/null || echo unset)" \
    KAFKA_PORT="$(client_port "$i")" KAFKA_CONTROLLER_PORT="$(controller_port "$i")" \
    KAFKA_BIND_HOST=127.0.0.1 KAFKA_ADVERTISED_HOST=localhost KAFKA_SASL=off \
    _log_prefix="kafka-$i" bash "$HERE/kafka.sh" "$@"
}

node_pid() { read_pidfile "$CLUSTER_DIR/node-$1/kafka/kafka.pid" kafka.Kafka "$CLUSTER_DIR/node-$1/kafka/server.properties"; }

# One cluster id for all three nodes, made once (the jars are fetched first, once,
# so that three parallel starts never race to fetch them).
ensure_cluster_id() {
  mkdir -p "$CLUSTER_DIR"
  bash "$HERE/kafka.sh" libs >/dev/null
  if [[ ! -s "$CLUSTER_ID_FILE" ]]; then
    bash "$HERE/kafka.sh" random-uuid >"$CLUSTER_ID_FILE.tmp"
    mv "$CLUSTER_ID_FILE.tmp" "$CLUSTER_ID_FILE"
  fi
}

# on_nodes VERB I...: kafka.sh VERB on these nodes in parallel; fails if any failed.
on_nodes() {
  local verb="$1" i pids=() rc=0
  shift
  for i in "$@"; do
    node "$i" "$verb" &
    pids+=($!)
  done
  for i in "${pids[@]}"; do wait "$i" || rc=1; done
  return "$rc"
}

cmd_up() {
  local start=$SECONDS
  ensure_cluster_id
  on_nodes up "${NODES[@]}" || die "not every node started (logs: $CLUSTER_DIR/node-*/kafka/logs/)"
  log "3 brokers serving ($((SECONDS - start))s)"
  bootstrap
}

case "${1:-}" in
  up) cmd_up ;;
  down) [[ -d "$CLUSTER_DIR" ]] && on_nodes down "${NODES[@]}" ;;
  status) cluster_status kafka localhost ;;
  reset)
    [[ -d "$CLUSTER_DIR" ]] && on_nodes down "${NODES[@]}"
    rm -rf -- "$CLUSTER_DIR"
    ;;
  bootstrap) bootstrap ;;
  kill-node)
    cluster_kill_node kafka "${2:-}"
    rm -f "$CLUSTER_DIR/node-$2/kafka/kafka.pid"
    ;;
  stop-node)
    cluster_check_node "${2:-}"
    node "$2" down
    ;;
  start-node)
    cluster_check_node "${2:-}"
    ensure_cluster_id
    node "$2" up
    ;;
  pid) cluster_pid "${2:-}" ;;
  *)
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2
    exit 2
    ;;
esac
