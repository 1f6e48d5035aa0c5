#!/usr/bin/env bash
# `npm run demo`: the whole system on this machine, no Docker.
#
# Starts missing brokers (brokers.sh), builds, then runs every service in the
# foreground with prefixed logs; Ctrl-C (SIGINT/SIGTERM) stops them all gracefully.
#   DEMO_ORDERS_INSTANCES  [2]  orders instances in the queue group
#   HTTP_PORT              [3000] gateway port
#   DEMO_NATS_AUTH         [1]  1: the services run on the project's nats-server with one
#                               NKey user each (nats-auth.sh, port NATS_AUTH_PORT, 4223);
#                               0: on the machine's NATS without users, as before
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# Fail in a second on a Node older than .nvmrc's, saying how to get the right one (lib.sh).
_log_prefix=demo
# shellcheck source=lib.sh
source infra/local/lib.sh
require_node

bash infra/local/brokers.sh up
npx turbo run build --output-logs=errors-only
NATS_AUTH="${DEMO_NATS_AUTH:-1}"
[[ $NATS_AUTH == 1 ]] && bash infra/local/nats-auth.sh up

PORT="${HTTP_PORT:-3000}"
LOGS="$ROOT/.local/demo"
mkdir -p "$LOGS"
pids=()

run() { # name app [env...] [-- args...]
  local name=$1 app=$2 envs=(); shift 2
  # Each app connects as its own NATS user: URL, seed and inbox prefix (never printed).
  if [[ $NATS_AUTH == 1 ]]; then mapfile -t envs < <(bash infra/local/nats-auth.sh env "$app"); fi
  while [[ $# -gt 0 && $1 != -- ]]; do envs+=("$1"); shift; done
  [[ ${1:-} == -- ]] && shift
  env "${envs[@]}" node "apps/$app/dist/main.js" "$@" > >(sed -u "s/^/[$name] /") 2>&1 &
  pids+=($!)
}

stop_all() {
  trap - INT TERM EXIT
  echo; echo "stopping services…"
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap stop_all INT TERM EXIT

for i in $(seq 1 "${DEMO_ORDERS_INSTANCES:-2}"); do run "orders-$i" orders HTTP_PORT=0; done
run inventory inventory HTTP_PORT=0
run payments payments HTTP_PORT=0
run bridge bridge HTTP_PORT=0
run projector projector HTTP_PORT=0
run rebuilder rebuilder HTTP_PORT=0 -- serve
run gateway gateway HTTP_PORT="$PORT"

for _ in $(seq 1 60); do
  curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  sleep 0.5
done

cat <<MSG

  Switchyard is running:  http://localhost:$PORT

  Place an order:
    curl -i -X POST localhost:$PORT/orders -H 'content-type: application/json' \\
      -d '{"customerId":"c-1","region":"eu-west","items":[{"sku":"SKU-1","quantity":2}]}'
  Read it back (a moment later: the read side is eventually consistent):
    curl -s localhost:$PORT/orders/<orderId>
  See the events on Kafka with a client we did not write:
    kcat -b localhost:9092 -C -t switchyard.orders.events -o beginning -e -f 'key=%k headers=%h %s\n'
  Rebuild the read model from offset zero (blue-green; reads switch atomically at the end):
    curl -i -X POST localhost:$PORT/admin/projections/orders/rebuild
    curl -s localhost:$PORT/admin/projections/orders       # state, events/s, ETA
    npm run rebuild -- orders                             # the same, as a CLI with a progress bar

  NATS: $( [[ $NATS_AUTH == 1 ]] && echo "the project's server with one user per service, nats://127.0.0.1:${NATS_AUTH_PORT:-4223}
    The tools need a user too:  env \$(bash infra/local/nats-auth.sh env scenario) npm run scenario -- list" || echo "the machine's server, no users (DEMO_NATS_AUTH=0)")

  Ctrl-C stops the services (the brokers keep running: npm run brokers -- down,
  bash infra/local/nats-auth.sh down).
MSG
wait
