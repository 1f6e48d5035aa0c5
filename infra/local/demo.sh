#!/usr/bin/env bash
# `npm run demo`: the whole system on this machine, no Docker.
#
# Starts missing brokers (brokers.sh), builds, then runs every service in the
# foreground with prefixed logs; Ctrl-C (SIGINT/SIGTERM) stops them all gracefully.
#   DEMO_ORDERS_INSTANCES  [2]  orders instances in the queue group
#   HTTP_PORT              [3000] gateway port
#   DEMO_KAFKA_SASL        [1]  Kafka with SASL/SCRAM-SHA-512 and ACLs (ADR 0035, 0041): a broker
#                          of the demo's own (kafka.sh KAFKA_SASL=scram, dir .local/kafka-sasl)
#                          on DEMO_KAFKA_SASL_PORT [19092] / +1, with no PLAINTEXT listener.
#                          Its random passwords are made once into
#                          .local/kafka-sasl/kafka/sasl/users/<principal> (mode 600, never
#                          printed). `kafka-acls apply` as admin creates the topics and grants
#                          each service its rights; bridge, projector, rebuilder and gateway
#                          then log in as themselves. 0: the shared PLAINTEXT broker on 9092,
#                          as before. The shared broker stays as it is either way (kcat, the
#                          test suites and the scenarios use it). With --cluster: PLAINTEXT
#                          (the 3 brokers have no SASL mode; ADR 0041 says why).
#   ADMIN_TOKEN            [.local/admin-token] the gateway's admin token: unset, one is
#                          generated once into .local/admin-token (mode 600) and reused
#   DEMO_NATS_AUTH         [1]  1: the services run on the project's nats-server with one
#                               NKey user each (nats-auth.sh, port NATS_AUTH_PORT, 4223);
#                               0: on the machine's NATS without users, as before
#   DEMO_READY_TIMEOUT     [180] seconds to wait for the gateway's /readyz before the banner
#   DEMO_FAULTS            [1]  the dashboard's "Break things" (ADR 0047): the bridge runs under
#                               supervise.sh (restarted DEMO_RESTART_DELAY [5] s after it dies)
#                               and the fault injector (tools/fault-injector) listens on
#                               127.0.0.1:DEMO_FAULTS_PORT [3099]; the gateway forwards to it.
#                               "Stop Kafka" (DEMO_FAULTS_KAFKA_SECONDS [20]) only on the demo's
#                               own broker (DEMO_KAFKA_SASL=1, not --cluster). 0: neither.
#   DEMO_CLUSTER           [0]  1 (or `npm run demo -- --cluster`): on the local clusters
#                               (brokers.sh up --cluster, ADR 0037): 3 NATS nodes (with the
#                               same users as above unless DEMO_NATS_AUTH=0), 3 Kafka brokers,
#                               streams and buckets R3, topics RF 3 with min ISR 2
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# Fail in a second on a Node older than .nvmrc's, saying how to get the right one (lib.sh).
_log_prefix=demo
# shellcheck source=lib.sh
source infra/local/lib.sh
require_node

CLUSTER="${DEMO_CLUSTER:-0}"
[[ "${1:-}" == --cluster ]] && CLUSTER=1
NATS_AUTH="${DEMO_NATS_AUTH:-1}"
cluster_env=()
if [[ $CLUSTER == 1 ]]; then
  # The local cluster's brokers have no SASL mode (kafka-cluster.sh; ADR 0041): said plainly
  # rather than silently, and an explicit DEMO_KAFKA_SASL=1 is refused, not ignored.
  [[ "${DEMO_KAFKA_SASL:-}" == 1 ]] && die "DEMO_KAFKA_SASL=1 is for the single broker only; the cluster runs PLAINTEXT (ADR 0041)"
  KAFKA_SASL_ON=0
  log "--cluster: Kafka runs PLAINTEXT on loopback (no principals, no ACLs; ADR 0041)"
  NATS_CLUSTER_AUTH="$NATS_AUTH" bash infra/local/brokers.sh up --cluster
  # Appended after each service's own variables, so they win over nats-auth.sh's NATS_URL.
  mapfile -t cluster_env < <(bash infra/local/brokers.sh env --cluster)
else
  KAFKA_SASL_ON="${DEMO_KAFKA_SASL:-1}"
  bash infra/local/brokers.sh up
fi
[[ $KAFKA_SASL_ON == 0 || $KAFKA_SASL_ON == 1 ]] || die "DEMO_KAFKA_SASL must be 0 or 1, got '$KAFKA_SASL_ON'"
npx turbo run build --output-logs=errors-only
# The one step as the Postgres superuser: the projector's and the rebuilder's roles and
# their rights (ADR 0035); the services below log in as those roles, not as postgres.
node apps/rebuilder/dist/main.js setup-database

# kafka_env PRINCIPAL: the Kafka variables of a service (nothing with DEMO_KAFKA_SASL=0).
# The password travels as a file name, never as a value: nothing here can print it.
kafka_env() { :; }
KAFKA_BOOTSTRAP=localhost:9092
if [[ $KAFKA_SASL_ON == 1 ]]; then
  SASL_PORT="${DEMO_KAFKA_SASL_PORT:-19092}"
  SASL_HOME="$ROOT/.local/kafka-sasl"
  SWITCHYARD_LOCAL_DIR="$SASL_HOME" KAFKA_PORT="$SASL_PORT" KAFKA_CONTROLLER_PORT="$((SASL_PORT + 1))" \
    KAFKA_LIBS_DIR="$ROOT/.local/kafka/libs" KAFKA_SASL=scram bash infra/local/kafka.sh up
  kafka_env() {
    printf '%s\n' "KAFKA_BROKERS=localhost:$SASL_PORT" KAFKA_SASL_MECHANISM=scram-sha-512 \
      "KAFKA_SASL_USERNAME=$1" "KAFKA_SASL_PASSWORD_FILE=$SASL_HOME/kafka/sasl/users/$1"
  }
  # The set-up principal creates the topics and grants each service its rights.
  mapfile -t admin_env < <(kafka_env admin)
  env "${admin_env[@]}" node tools/kafka-acls/dist/main.js apply
  # A client config for you (the Kafka CLI tools below), as admin: a super user, so a tool
  # for the operator, never for a service. Written with the password, so mode 600 too.
  (umask 077 && cat >"$SASL_HOME/kafka/sasl/admin.properties" <<EOF
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$(cat "$SASL_HOME/kafka/sasl/users/admin")";
EOF
  )
  KAFKA_BOOTSTRAP="localhost:$SASL_PORT"
fi
# On the cluster the nodes load the same users (nats-cluster.sh, NATS_CLUSTER_AUTH=1).
[[ $NATS_AUTH == 1 && $CLUSTER == 0 ]] && bash infra/local/nats-auth.sh up

PORT="${HTTP_PORT:-3000}"
LOGS="$ROOT/.local/demo"
mkdir -p "$LOGS"

# The admin API is on in the demo, behind a token (ADR 0034): the shell's ADMIN_TOKEN, else
# a random one made once for this checkout, readable by this user only, never committed
# (.local/ is ignored). Nothing prints it: `cat .local/admin-token` when it is needed.
TOKEN_FILE="$ROOT/.local/admin-token"
TOKEN_SOURCE='your ADMIN_TOKEN' TOKEN_READ='$ADMIN_TOKEN'
if [[ -z "${ADMIN_TOKEN:-}" ]]; then
  TOKEN_SOURCE='in .local/admin-token' TOKEN_READ='$(cat .local/admin-token)'
  if [[ ! -s "$TOKEN_FILE" ]]; then
    (umask 077 && node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))" >"$TOKEN_FILE")
  fi
  ADMIN_TOKEN="$(cat "$TOKEN_FILE")"
fi
pids=()
# A command line before `node` (supervise.sh for the bridge), set around one `run` call.
run_prefix=()

run() { # name app [env...] [-- args...]
  local name=$1 app=$2 envs=(); shift 2
  # Each app connects as its own NATS user: URL, seed and inbox prefix (never printed).
  if [[ $NATS_AUTH == 1 ]]; then mapfile -t envs < <(bash infra/local/nats-auth.sh env "$app"); fi
  envs+=("${cluster_env[@]}")
  while [[ $# -gt 0 && $1 != -- ]]; do envs+=("$1"); shift; done
  [[ ${1:-} == -- ]] && shift
  env "${envs[@]}" "${run_prefix[@]}" node "apps/$app/dist/main.js" "$@" > >(sed -u "s/^/[$name] /") 2>&1 &
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
mapfile -t bridge_kafka < <(kafka_env bridge)
mapfile -t projector_kafka < <(kafka_env projector)
mapfile -t rebuilder_kafka < <(kafka_env rebuilder)
mapfile -t gateway_kafka < <(kafka_env gateway)
# ### Faults from the page (ADR 0047)
# The gateway never gets that power: a process of its own, on loopback, with the admin
# token and a fixed list, which only this script starts. "Kill the bridge" needs someone to
# restart it, as Kubernetes would: supervise.sh, which keeps its pid in a file the injector
# reads. "Stop Kafka" is kafka.sh down/up on the demo's own SASL broker, never on the shared
# PLAINTEXT one (the tests and your kcat use it) and not on the cluster (3 brokers).
FAULTS="${DEMO_FAULTS:-1}"
[[ $FAULTS == 0 || $FAULTS == 1 ]] || die "DEMO_FAULTS must be 0 or 1, got '$FAULTS'"
RESTART_DELAY="${DEMO_RESTART_DELAY:-5}"
FAULTS_PORT="${DEMO_FAULTS_PORT:-3099}"
gateway_faults=()
if [[ $FAULTS == 1 ]]; then
  run_prefix=(bash infra/local/supervise.sh "$LOGS/bridge.pid" "$RESTART_DELAY")
  fault_kafka=(FAULTS_KAFKA=false)
  if [[ $KAFKA_SASL_ON == 1 ]]; then
    fault_kafka=(FAULTS_KAFKA=true "FAULTS_KAFKA_SECONDS=${DEMO_FAULTS_KAFKA_SECONDS:-20}"
      "SWITCHYARD_LOCAL_DIR=$SASL_HOME" "KAFKA_PORT=$SASL_PORT" "KAFKA_CONTROLLER_PORT=$((SASL_PORT + 1))"
      "KAFKA_LIBS_DIR=$ROOT/.local/kafka/libs" KAFKA_SASL=scram)
  fi
  env ADMIN_TOKEN="$ADMIN_TOKEN" FAULTS_PORT="$FAULTS_PORT" "${fault_kafka[@]}" \
    FAULTS_BRIDGE_PIDFILE="$LOGS/bridge.pid" FAULTS_BRIDGE_RESTART_SECONDS="$RESTART_DELAY" \
    node tools/fault-injector/dist/main.js > >(sed -u "s/^/[faults] /") 2>&1 &
  pids+=($!)
  gateway_faults=(FAULT_INJECTOR_URL="http://127.0.0.1:$FAULTS_PORT")
fi
run bridge bridge HTTP_PORT=0 "${bridge_kafka[@]}"
run_prefix=()
run projector projector HTTP_PORT=0 "${projector_kafka[@]}"
run rebuilder rebuilder HTTP_PORT=0 "${rebuilder_kafka[@]}" -- serve
run gateway gateway HTTP_PORT="$PORT" ADMIN_TOKEN="$ADMIN_TOKEN" "${gateway_kafka[@]}" "${gateway_faults[@]}"

# The rebuild CLI as the rebuilder: its NATS user (progress) and its Kafka principal. The
# password file's path stays absolute: npm runs the CLI in apps/rebuilder.
REBUILD_ENV=''
[[ $NATS_AUTH == 1 ]] && REBUILD_ENV+='$(bash infra/local/nats-auth.sh env rebuilder) '
[[ $KAFKA_SASL_ON == 1 ]] && REBUILD_ENV+="$(kafka_env rebuilder | tr '\n' ' ')"
[[ -n $REBUILD_ENV ]] && REBUILD_ENV="env $REBUILD_ENV"
NATS_SERVERS="nats://127.0.0.1:${NATS_AUTH_PORT:-4223}"
TOOL_ENV='env $(bash infra/local/nats-auth.sh env scenario)'
if [[ $CLUSTER == 1 ]]; then
  KAFKA_BOOTSTRAP="$(bash infra/local/kafka-cluster.sh bootstrap)"
  NATS_SERVERS="$(bash infra/local/nats-cluster.sh urls)"
  TOOL_ENV='env $(bash infra/local/nats-auth.sh env scenario) $(bash infra/local/brokers.sh env --cluster)'
fi

# The banner only once the gateway says it is ready (its NATS and Kafka connections up): on a
# busy machine the first start takes a while, and "running" before that sends people to a 503.
ready_timeout="${DEMO_READY_TIMEOUT:-180}"
ready=0
headline="Switchyard is running:"
for _ in $(seq 1 $((ready_timeout * 2))); do
  if curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; then
    ready=1
    break
  fi
  sleep 0.5
done
if [[ $ready == 0 ]]; then
  log "the gateway is not ready after ${ready_timeout} s (http://127.0.0.1:$PORT/readyz); the services keep starting: see the logs above and in $LOGS"
  headline="Switchyard is still starting (not ready yet):"
fi

cat <<MSG

  $headline  http://localhost:$PORT

  Place an order:
    curl -i -X POST localhost:$PORT/orders -H 'content-type: application/json' \\
      -d '{"customerId":"c-1","region":"eu-west","items":[{"sku":"SKU-1","quantity":2}]}'
  Read it back (a moment later: the read side is eventually consistent):
    curl -s localhost:$PORT/orders/<orderId>
  See the events on Kafka with a client we did not write:
$(if [[ $KAFKA_SASL_ON == 1 ]]; then cat <<EOT
    java -cp '.local/kafka/libs/*' \\
      org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server $KAFKA_BOOTSTRAP \\
      --consumer.config .local/kafka-sasl/kafka/sasl/admin.properties --topic switchyard.orders.events \\
      --from-beginning --timeout-ms 5000 --property print.key=true --property print.headers=true
  (Kafka is SASL/SCRAM with ACLs on :$SASL_PORT, one principal per service: kcat 1.7 with
  librdkafka 2.0 cannot log in to it; DEMO_KAFKA_SASL=0 for the shared PLAINTEXT broker.)
EOT
else cat <<EOT
    kcat -b $KAFKA_BOOTSTRAP -C -t switchyard.orders.events -o beginning -e -f 'key=%k headers=%h %s\n'
EOT
fi)
$([[ $FAULTS == 1 ]] && echo "  Break things from the page (Stop Kafka, kill the bridge): the dashboard's last lesson, with the token.")
  The admin API (/admin: pause, resume, rebuild) needs the admin token; the dashboard asks
  for it once per tab. It is $TOKEN_SOURCE:
    TOKEN="$TOKEN_READ"
  Rebuild the read model from offset zero (blue-green; reads switch atomically at the end):
    curl -i -X POST localhost:$PORT/admin/projections/orders/rebuild \\
      -H "authorization: Bearer \$TOKEN" -H 'content-type: application/json' -d '{}'
    curl -s localhost:$PORT/admin/projections/orders -H "authorization: Bearer \$TOKEN"
    ${REBUILD_ENV}npm run rebuild -- orders   # the same, as a CLI with a progress bar

  NATS: $( [[ $NATS_AUTH == 1 ]] && echo "the project's users, one per service, on $NATS_SERVERS
    The tools need a user too:  $TOOL_ENV npm run scenario -- list" || echo "no users (DEMO_NATS_AUTH=0)$([[ $CLUSTER == 1 ]] && echo ", on $NATS_SERVERS")")
  $([[ $CLUSTER == 1 ]] && echo "Clusters: streams and buckets R3, topics RF 3 / min ISR 2. Stop them: npm run brokers -- down --cluster")

  Ctrl-C stops the services (the brokers keep running: npm run brokers -- down,
  bash infra/local/nats-auth.sh down$([[ $KAFKA_SASL_ON == 1 ]] && printf ',\n  %s' "SWITCHYARD_LOCAL_DIR=.local/kafka-sasl KAFKA_PORT=$SASL_PORT bash infra/local/kafka.sh down")).
MSG
wait
