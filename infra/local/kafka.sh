#!/usr/bin/env bash
# Local single-node Apache Kafka broker, without Docker.
#
# Usage: infra/local/kafka.sh up|down|status|reset
#
#   up      fetch the broker classpath (Maven, first time / when infra/kafka/pom.xml
#           changes), format storage (first time), start the broker in the
#           background and wait until it serves clients. No-op if a broker
#           already answers on $KAFKA_PORT.
#   down    SIGTERM the broker this script started, SIGKILL after $KAFKA_STOP_TIMEOUT s.
#           No-op if it is not running. Never touches a broker it did not start.
#   status  "running" (exit 0) or "not running" (exit 3), LSB-style.
#   reset   down, then delete the broker's data and logs (the jars are kept).
#   libs    only fetch the broker classpath into $KAFKA_LIBS_DIR and print that path
#           (infra/docker/standins/build.sh copies it into the Kafka stand-in image).
#   scram NAME  (KAFKA_SASL=scram) set NAME's SCRAM-SHA-512 password on the running broker
#           to the one in $KAFKA_HOME_DIR/sasl/users/NAME (a new random one if that file
#           does not exist): adds a principal, or rotates a password after you changed it.
#   random-uuid  print a new cluster id (for KAFKA_CLUSTER_ID)
#
# Environment (defaults in brackets):
#   KAFKA_PORT             [9092]  client listener (PLAINTEXT)
#   KAFKA_CONTROLLER_PORT  [9093]  KRaft controller listener
#   KAFKA_BIND_HOST        [127.0.0.1]  address both listeners bind to
#   KAFKA_ADVERTISED_HOST  [localhost]  host clients are told to connect to
#   SWITCHYARD_LOCAL_DIR   [<repo>/.local]  state goes to $SWITCHYARD_LOCAL_DIR/kafka/
#   KAFKA_LIBS_DIR         [$SWITCHYARD_LOCAL_DIR/kafka/libs]  broker classpath
#   KAFKA_HEAP_OPTS        [-Xms256m -Xmx768m]
#   KAFKA_JVM_OPTS         [G1 settings from upstream's kafka-run-class.sh]
#   KAFKA_START_TIMEOUT    [90]  seconds `up` waits for readiness
#   KAFKA_STOP_TIMEOUT     [30]  seconds `down` waits before SIGKILL
#   KAFKA_SASL             [off]  `scram`: the client listener is SASL_PLAINTEXT and accepts
#                          only SCRAM-SHA-512 logins; every request is checked against ACLs
#                          (StandardAuthorizer, nothing allowed without one); `admin` is the
#                          super user. Decided at format time: `reset` to switch. ADR 0035.
#   KAFKA_NODE_ID          [1]  node.id of this broker (each node of a cluster its own)
#   KAFKA_QUORUM           [unset]  unset: a single node, the only voter of its own controller
#                          quorum (formatted --standalone). Set: this node is one of a
#                          cluster -- the comma list id@host:controllerPort of ALL
#                          controller voters (static quorum, controller.quorum.voters; every
#                          node is a combined broker+controller). infra/local/kafka-cluster.sh
#                          sets it; ADR 0037.
#   KAFKA_CLUSTER_ID       [random]  the cluster id every node's storage is formatted with;
#                          required with KAFKA_QUORUM (all nodes must share it)
#   KAFKA_SASL_USERS       [admin bridge projector rebuilder gateway]  principals created
#                          at format time, each with a random password generated into
#                          $KAFKA_HOME_DIR/sasl/users/<name> (mode 600, never committed);
#                          a service reads its own with KAFKA_SASL_PASSWORD_FILE.
#   KAFKA_TLS_KEYSTORE     [unset]  a PEM file with the broker's private key (PKCS#8,
#                          unencrypted) and certificate chain: the client listener speaks
#                          TLS (PLAINTEXT -> SSL, with KAFKA_SASL SASL_PLAINTEXT -> SASL_SSL);
#                          the controller listener stays on loopback as it was. Unset: no TLS.
#   KAFKA_TLS_TRUSTSTORE   [unset]  PEM file of the CA(s) whose client certificates are trusted
#   KAFKA_TLS_CLIENT_AUTH  [none]  none|requested|required (`required` = mutual TLS; needs
#                          KAFKA_TLS_TRUSTSTORE)
#
# A second, independent broker (e.g. for tests) just needs its own dir and ports:
#   SWITCHYARD_LOCAL_DIR=/tmp/sy2 KAFKA_PORT=19092 KAFKA_CONTROLLER_PORT=19093 \
#     infra/local/kafka.sh up
#
# Layout under $SWITCHYARD_LOCAL_DIR/kafka/:
#   libs/               jars from `mvn dependency:copy-dependencies` (+ .pom.sha256)
#   data/               log.dirs: topic partitions + the KRaft metadata log
#   logs/server.log     broker log (config: infra/kafka/log4j2.properties)
#   logs/kafka.out      JVM stdout/stderr (crashes before log4j is up land here)
#   logs/mvn.log        output of the last classpath fetch
#   server.properties   generated on every `up` from the variables above (mode 600:
#                       with KAFKA_SASL it holds the controller's password)
#   sasl/users/<name>   (KAFKA_SASL) one password per principal
#   kafka.pid
set -euo pipefail

_log_prefix=kafka
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_BIND_HOST="${KAFKA_BIND_HOST:-127.0.0.1}"
KAFKA_ADVERTISED_HOST="${KAFKA_ADVERTISED_HOST:-localhost}"
# Heap cap: these machines have 2 shared cores, and the JVM's default max heap
# is 1/4 of RAM (6 GiB on a 24 GiB box). A single-node dev broker with a
# handful of topics is comfortable in well under 512 MiB; most of Kafka's
# throughput comes from the OS page cache, not the heap, so a small heap costs
# nothing here and keeps RSS and GC pauses predictable.
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}"
KAFKA_JVM_OPTS="${KAFKA_JVM_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
KAFKA_SASL="${KAFKA_SASL:-off}"
KAFKA_SASL_USERS="${KAFKA_SASL_USERS:-admin bridge projector rebuilder gateway}"
KAFKA_NODE_ID="${KAFKA_NODE_ID:-1}"
KAFKA_QUORUM="${KAFKA_QUORUM:-}"
KAFKA_CLUSTER_ID="${KAFKA_CLUSTER_ID:-}"
KAFKA_TLS_KEYSTORE="${KAFKA_TLS_KEYSTORE:-}"
KAFKA_TLS_TRUSTSTORE="${KAFKA_TLS_TRUSTSTORE:-}"
KAFKA_TLS_CLIENT_AUTH="${KAFKA_TLS_CLIENT_AUTH:-none}"

KAFKA_HOME_DIR="$SWITCHYARD_LOCAL_DIR/kafka"
KAFKA_LIBS_DIR="${KAFKA_LIBS_DIR:-$KAFKA_HOME_DIR/libs}"
DATA_DIR="$KAFKA_HOME_DIR/data"
LOG_DIR="$KAFKA_HOME_DIR/logs"
PROPS="$KAFKA_HOME_DIR/server.properties"
PIDFILE="$KAFKA_HOME_DIR/kafka.pid"
SASL_DIR="$KAFKA_HOME_DIR/sasl"
OUTFILE="$LOG_DIR/kafka.out"
SERVER_LOG="$LOG_DIR/server.log"
POM="$SWITCHYARD_REPO_ROOT/infra/kafka/pom.xml"
LOG4J_CONFIG="$SWITCHYARD_REPO_ROOT/infra/kafka/log4j2.properties"
# Logged once by kafka.server.KafkaRaftServer when the broker is fully up.
READY_MARKER="Kafka Server started"

for _v in KAFKA_PORT KAFKA_CONTROLLER_PORT KAFKA_START_TIMEOUT KAFKA_STOP_TIMEOUT KAFKA_NODE_ID; do
  [[ "${!_v}" =~ ^[0-9]+$ ]] || die "$_v must be a number, got '${!_v}'"
done
[[ "$KAFKA_PORT" != "$KAFKA_CONTROLLER_PORT" ]] || die "KAFKA_PORT and KAFKA_CONTROLLER_PORT must differ"
[[ "$KAFKA_SASL" == off || "$KAFKA_SASL" == scram ]] || die "KAFKA_SASL must be 'off' or 'scram', got '$KAFKA_SASL'"
# Cluster mode: how many voters, and the replication every topic gets from that.
QUORUM_SIZE=1
if [[ -n "$KAFKA_QUORUM" ]]; then
  [[ "$KAFKA_QUORUM" =~ ^[0-9]+@[^,@:]+:[0-9]+(,[0-9]+@[^,@:]+:[0-9]+)*$ ]] ||
    die "KAFKA_QUORUM must be a comma list of id@host:controllerPort, got '$KAFKA_QUORUM'"
  [[ ",$KAFKA_QUORUM" == *",$KAFKA_NODE_ID@"* ]] ||
    die "KAFKA_QUORUM ($KAFKA_QUORUM) has no voter with this node's id $KAFKA_NODE_ID (KAFKA_NODE_ID)"
  [[ -n "$KAFKA_CLUSTER_ID" ]] ||
    die "KAFKA_QUORUM needs KAFKA_CLUSTER_ID: every node of a cluster is formatted with the same id (make one with: kafka.sh random-uuid)"
  [[ "$KAFKA_SASL" == off ]] || die "KAFKA_SASL=scram is for the single node only (ADR 0035); a cluster runs PLAINTEXT on loopback"
  QUORUM_SIZE="$(tr ',' '\n' <<<"$KAFKA_QUORUM" | wc -l)"
fi
REPLICATION=$((QUORUM_SIZE < 3 ? QUORUM_SIZE : 3))
MIN_ISR=$((QUORUM_SIZE < 2 ? QUORUM_SIZE : 2))
for _u in $KAFKA_SASL_USERS; do
  [[ "$_u" =~ ^[a-z][a-z0-9-]*$ && "$_u" != controller ]] || die "KAFKA_SASL_USERS: '$_u' is not a plain lower-case name (or is 'controller', which is reserved)"
done

# Where to probe: a wildcard bind address is reachable via loopback.
case "$KAFKA_BIND_HOST" in
  "" | 0.0.0.0 | "::" | "[::]") PROBE_HOST=127.0.0.1 ;;
  *) PROBE_HOST="$KAFKA_BIND_HOST" ;;
esac

# The pid in $PIDFILE, if it is alive and is *our* broker (same server.properties).
our_pid() { read_pidfile "$PIDFILE" kafka.Kafka "$PROPS"; }

broker_answers() { port_open "$PROBE_HOST" "$KAFKA_PORT"; }

# speaks_kafka: does whatever listens on the client port answer a Kafka request?
# Sends a raw ApiVersions v0 request (api_key 18, correlation id "SYK1") and
# checks the response echoes the correlation id -- enough to tell a Kafka
# broker from some other server squatting on the port, with no client installed.
speaks_kafka() {
  local reply
  # shellcheck disable=SC2016 # expanded by the child bash
  reply="$(timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2" &&
      printf "\x00\x00\x00\x0a\x00\x12\x00\x00SYK1\xff\xff" >&3 &&
      head -c 8 <&3 | od -An -tx1' _ "$PROBE_HOST" "$KAFKA_PORT" 2>/dev/null)" || return 1
  [[ "$(tr -d ' \n' <<<"$reply")" == ????????53594b31 ]]
}

# "host:port" of the client listener that the running broker was started
# with (server.properties is rewritten only right before a start).
running_listener() {
  sed -n 's/^listeners=[A-Z_]*:\/\/\([^,]*\).*/\1/p' "$PROPS" 2>/dev/null | head -n1
}

# Refuse to act on a broker from this dir that runs with other ports than asked.
check_same_ports() {
  local pid="$1" running
  running="$(running_listener)"
  if [[ -n "$running" && "$running" != "$KAFKA_BIND_HOST:$KAFKA_PORT" ]]; then
    die "the broker from $KAFKA_HOME_DIR (pid $pid) runs on $running, not $KAFKA_BIND_HOST:$KAFKA_PORT; run 'down' first, or use another SWITCHYARD_LOCAL_DIR for a second broker"
  fi
}

kafka_version() {
  local jar
  for jar in "$KAFKA_LIBS_DIR"/kafka_2.13-*.jar; do
    [[ -f "$jar" ]] || continue
    jar="${jar##*/kafka_2.13-}"
    printf '%s\n' "${jar%.jar}"
    return 0
  done
  echo unknown
}

# Serialise concurrent up/down/reset on the same directory (fd 9 is closed in
# the broker itself by start_daemon, so the lock never outlives this script).
take_lock() {
  mkdir -p "$KAFKA_HOME_DIR"
  command -v flock >/dev/null 2>&1 || return 0
  exec 9>"$KAFKA_HOME_DIR/.lock"
  flock -w $((KAFKA_START_TIMEOUT + 120)) 9 || die "another kafka.sh is still running on $KAFKA_HOME_DIR"
}

require_java() {
  command -v java >/dev/null 2>&1 || die "java not found; Kafka 4.x needs Java 17+ (Debian: apt-get install -y openjdk-17-jre-headless)"
  local v major
  v="$(java -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n1)"
  major="${v%%.*}"
  [[ "$major" == 1 ]] && major="$(cut -d. -f2 <<<"$v")"
  [[ "$major" =~ ^[0-9]+$ ]] || { warn "could not parse Java version '$v'; trying anyway"; return 0; }
  ((major >= 17)) || die "Kafka 4.x needs Java 17+, found Java $v ($(command -v java))"
}

# Fetch the broker classpath with Maven when libs/ is missing or the pom changed.
# Maven caches artifacts in ~/.m2, so a re-fetch after `reset` or into a second
# dir is a local copy, not a download.
fetch_libs() {
  local want have=""
  want="$(file_hash "$POM")"
  [[ -f "$KAFKA_LIBS_DIR/.pom.sha256" ]] && have="$(<"$KAFKA_LIBS_DIR/.pom.sha256")"
  if [[ "$want" == "$have" ]] && compgen -G "$KAFKA_LIBS_DIR/kafka_2.13-*.jar" >/dev/null; then
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found; it fetches the Kafka jars from Maven Central (Debian: apt-get install -y maven)"
  if [[ -n "$have" ]]; then
    log "infra/kafka/pom.xml changed; re-fetching the broker classpath"
  else
    log "fetching the broker classpath with Maven into $KAFKA_LIBS_DIR (first run; cached in ~/.m2 afterwards)"
  fi
  local tmp="$KAFKA_LIBS_DIR.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$LOG_DIR" "$(dirname "$KAFKA_LIBS_DIR")"
  if ! mvn -B -q -f "$POM" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$tmp" >"$LOG_DIR/mvn.log" 2>&1; then
    rm -rf "$tmp"
    tail -n 40 "$LOG_DIR/mvn.log" >&2 || true
    die "Maven could not fetch the Kafka classpath (full output: $LOG_DIR/mvn.log)"
  fi
  compgen -G "$tmp/kafka_2.13-*.jar" >/dev/null || { rm -rf "$tmp"; die "Maven ran but no kafka_2.13 jar in $tmp; check $POM"; }
  printf '%s\n' "$want" >"$tmp/.pom.sha256"
  # Swap in atomically-ish: a half-copied libs/ must never look complete.
  rm -rf "$KAFKA_LIBS_DIR"
  mv "$tmp" "$KAFKA_LIBS_DIR"
  log "classpath ready: Kafka $(kafka_version), $(compgen -G "$KAFKA_LIBS_DIR/*.jar" | wc -l) jars"
}

# --- KAFKA_TLS (optional) ------------------------------------------------------
# TLS on the client listener, with PEM files as key and trust stores (Kafka 2.7+, KIP-651:
# no keytool, no JKS). The listener section above is written for PLAINTEXT or SASL_PLAINTEXT;
# with KAFKA_TLS_KEYSTORE set, its client listener is renamed to the TLS twin of its
# protocol (SSL or SASL_SSL; the SCRAM login and the ACLs are unchanged) and the stores are
# added. The controller listener is left as it is: bound to KAFKA_BIND_HOST, not for clients.
# Unset: the text passes through untouched.
tls_listener_properties() {
  if [[ -z "$KAFKA_TLS_KEYSTORE" ]]; then
    cat
    return 0
  fi
  [[ -r "$KAFKA_TLS_KEYSTORE" ]] || die "KAFKA_TLS_KEYSTORE: cannot read $KAFKA_TLS_KEYSTORE"
  case "$KAFKA_TLS_CLIENT_AUTH" in
    none | requested | required) ;;
    *) die "KAFKA_TLS_CLIENT_AUTH must be none, requested or required, got '$KAFKA_TLS_CLIENT_AUTH'" ;;
  esac
  [[ "$KAFKA_TLS_CLIENT_AUTH" == none || -r "$KAFKA_TLS_TRUSTSTORE" ]] ||
    die "KAFKA_TLS_CLIENT_AUTH=$KAFKA_TLS_CLIENT_AUTH needs a readable KAFKA_TLS_TRUSTSTORE"
  sed -e 's#^\(listeners\|advertised\.listeners\)=\(SASL_\)\{0,1\}PLAINTEXT://#\1=\2SSL://#' \
    -e 's#^inter\.broker\.listener\.name=\(SASL_\)\{0,1\}PLAINTEXT$#inter.broker.listener.name=\1SSL#' \
    -e 's#,\(SASL_\)\{0,1\}PLAINTEXT:\(SASL_\)\{0,1\}PLAINTEXT$#,\1SSL:\1SSL#' \
    -e 's#^listener\.name\.sasl_plaintext\.#listener.name.sasl_ssl.#'
  local listener=ssl
  [[ "$KAFKA_SASL" == off ]] || listener=sasl_ssl
  # ssl.client.auth without the listener prefix applies to SSL listeners only, not SASL_SSL.
  cat <<EOF
# KAFKA_TLS: the broker's key and certificate chain, and whom it trusts.
ssl.keystore.type=PEM
ssl.keystore.location=${KAFKA_TLS_KEYSTORE}
listener.name.${listener}.ssl.client.auth=${KAFKA_TLS_CLIENT_AUTH}
EOF
  if [[ -n "$KAFKA_TLS_TRUSTSTORE" ]]; then
    printf 'ssl.truststore.type=PEM\nssl.truststore.location=%s\n' "$KAFKA_TLS_TRUSTSTORE"
  fi
}
# --- end KAFKA_TLS ---------------------------------------------------------------


# Regenerated on every `up` so that port/host variables always take effect.
write_server_properties() {
  local tmp="$PROPS.tmp.$$"
  cat >"$tmp" <<EOF
# GENERATED by infra/local/kafka.sh on every 'up' -- edit the script, not this file.

$(kraft_properties)

# --- Listeners ---------------------------------------------------------------
# Clients bootstrap on PLAINTEXT and are then told (advertised.listeners) which
# host:port to use for every following connection: it must be reachable from
# the client, hence ${KAFKA_ADVERTISED_HOST} rather than the bind address.
$(listener_properties | tls_listener_properties)

# --- Storage -----------------------------------------------------------------
# Topic data and the KRaft metadata log; formatted once by 'kafka-storage format'.
log.dirs=${DATA_DIR}

$(replication_properties)

# --- Dev ergonomics ----------------------------------------------------------
# Consumers joining a group start immediately instead of waiting 3 s for others.
group.initial.rebalance.delay.ms=0
num.partitions=3
# Our services create their topics explicitly through the admin API; a typo in
# a topic name must fail loudly instead of silently creating a new topic.
auto.create.topics.enable=false
EOF
  chmod 600 "$tmp"
  mv "$tmp" "$PROPS"
}

# The KRaft section: one node that is its own quorum, or one voter of a static quorum.
kraft_properties() {
  if [[ -z "$KAFKA_QUORUM" ]]; then
    cat <<EOF
# --- KRaft, single node ------------------------------------------------------
# Kafka 4.x has no ZooKeeper mode: cluster metadata lives in a Raft log
# (__cluster_metadata) run by "controller" nodes. For local dev one JVM plays
# both roles, and is the only voter of the controller quorum.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=localhost:${KAFKA_CONTROLLER_PORT}
controller.listener.names=CONTROLLER
EOF
    return 0
  fi
  cat <<EOF
# --- KRaft, one node of a ${QUORUM_SIZE}-node cluster ----------------------------------------
# Every node is "combined" (broker and controller in one JVM), so ${QUORUM_SIZE} JVMs give
# ${QUORUM_SIZE} brokers and a ${QUORUM_SIZE}-voter metadata quorum, which survives the loss of a
# minority. The voter set is static (controller.quorum.voters): fixed in the
# configuration, no --standalone bootstrap and no add-controller step. ADR 0037.
process.roles=broker,controller
node.id=${KAFKA_NODE_ID}
controller.quorum.voters=${KAFKA_QUORUM}
controller.listener.names=CONTROLLER
EOF
}

# Replication defaults: RF 1 on one node; min(3,n) replicas and min ISR min(2,n) on n.
replication_properties() {
  if [[ -z "$KAFKA_QUORUM" ]]; then
    cat <<EOF
# --- Single-node replication -------------------------------------------------
# Internal topics default to replication factor 3 (and min ISR 2); with one
# broker they could never be created, and consumer groups / transactions would
# hang waiting for __consumer_offsets / __transaction_state. RF 1 = no
# redundancy, which is fine for a disposable dev broker.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
default.replication.factor=1
min.insync.replicas=1
EOF
    return 0
  fi
  cat <<EOF
# --- Cluster replication -----------------------------------------------------
# Internal topics (group offsets, transactions) and topics created without an
# explicit factor get ${REPLICATION} replicas; an acks=all write needs ${MIN_ISR} of them in
# sync, so one broker can be lost without losing an acknowledged write and
# without refusing writes. The services set their own topics' factor
# (KAFKA_REPLICATION_FACTOR, KAFKA_MIN_INSYNC_REPLICAS).
offsets.topic.replication.factor=${REPLICATION}
transaction.state.log.replication.factor=${REPLICATION}
transaction.state.log.min.isr=${MIN_ISR}
share.coordinator.state.topic.replication.factor=${REPLICATION}
share.coordinator.state.topic.min.isr=${MIN_ISR}
default.replication.factor=${REPLICATION}
min.insync.replicas=${MIN_ISR}
EOF
}

# A principal's password: the file's, or a new random one written to it first (mode 600).
sasl_password() {
  local file="$SASL_DIR/users/$1"
  if [[ ! -s "$file" ]]; then
    mkdir -p "$SASL_DIR/users"
    chmod 700 "$SASL_DIR"
    (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=\n' >"$file")
  fi
  cat "$file"
}

# The listener section of server.properties: PLAINTEXT, or SASL with the authorizer.
listener_properties() {
  if [[ "$KAFKA_SASL" == off ]]; then
    cat <<EOF
listeners=PLAINTEXT://${KAFKA_BIND_HOST}:${KAFKA_PORT},CONTROLLER://${KAFKA_BIND_HOST}:${KAFKA_CONTROLLER_PORT}
advertised.listeners=PLAINTEXT://${KAFKA_ADVERTISED_HOST}:${KAFKA_PORT}
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
EOF
    return 0
  fi
  local admin controller
  admin="$(sasl_password admin)"
  controller="$(sasl_password controller)"
  cat <<EOF
# KAFKA_SASL=scram: no PLAINTEXT listener at all. Clients log in with SCRAM-SHA-512 (the
# password never crosses the wire; the broker keeps only salted hashes, in the metadata
# log) and become the principal User:<name> that the ACLs name. SASL_PLAINTEXT is not
# encrypted: fine on loopback; across a network use SASL_SSL (docs/security-kafka-postgres.md).
listeners=SASL_PLAINTEXT://${KAFKA_BIND_HOST}:${KAFKA_PORT},CONTROLLER://${KAFKA_BIND_HOST}:${KAFKA_CONTROLLER_PORT}
advertised.listeners=SASL_PLAINTEXT://${KAFKA_ADVERTISED_HOST}:${KAFKA_PORT}
listener.security.protocol.map=CONTROLLER:SASL_PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512
inter.broker.listener.name=SASL_PLAINTEXT
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="${admin}";
# The controller listener authenticates too: left PLAINTEXT, its requests come from
# User:ANONYMOUS, which would then need super-user rights (and anyone reaching the port
# would get them). SCRAM cannot work there (its credentials live in the metadata the
# controller serves), so it uses PLAIN with a static user, on loopback only.
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="controller" password="${controller}" user_controller="${controller}";
# Every request is checked against ACLs; none found = denied. Only the set-up principal
# (topics, ACLs: tools/kafka-acls) and the controller itself are super users.
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:admin;User:controller
EOF
}

kafka_java() { # kafka_java MAIN_CLASS ARGS... -> run a Kafka tool in the foreground
  local main="$1"
  shift
  # shellcheck disable=SC2086 # heap opts are intentionally word-split
  java -Xms64m -Xmx256m -Dkafka.logs.dir="$LOG_DIR" \
    -Dlog4j2.configurationFile="$LOG4J_CONFIG" \
    -cp "$KAFKA_LIBS_DIR/*" "$main" "$@"
}

# Format the storage directory once. KRaft refuses to start on an unformatted
# log dir: formatting stamps it with a cluster id (meta.properties) and, with
# --standalone, writes the initial controller voter set (just this node).
format_storage() {
  if [[ -f "$DATA_DIR/meta.properties" ]]; then
    return 0
  fi
  mkdir -p "$DATA_DIR"
  local cluster_id="$KAFKA_CLUSTER_ID" bootstrap=(--standalone)
  if [[ -z "$cluster_id" ]]; then
    cluster_id="$(kafka_java kafka.tools.StorageTool random-uuid)" || die "kafka-storage random-uuid failed"
  fi
  # A static quorum (controller.quorum.voters in the properties) is formatted with neither
  # --standalone nor --initial-controllers: the voters are the configuration itself.
  [[ -n "$KAFKA_QUORUM" ]] && bootstrap=()
  log "formatting $DATA_DIR (cluster id $cluster_id)"
  # With KAFKA_SASL, the SCRAM users are written into the metadata log right away: the
  # broker has them from its first second, before anyone could log in to create them.
  local scram=() user
  if [[ "$KAFKA_SASL" == scram ]]; then
    for user in $KAFKA_SASL_USERS; do
      scram+=(--add-scram "SCRAM-SHA-512=[name=$user,password=$(sasl_password "$user")]")
    done
  fi
  kafka_java kafka.tools.StorageTool format "${bootstrap[@]}" -t "$cluster_id" -c "$PROPS" "${scram[@]}" >>"$LOG_DIR/format.log" 2>&1 ||
    { tail -n 40 "$LOG_DIR/format.log" >&2; die "kafka-storage format failed (see $LOG_DIR/format.log)"; }
  # Remember which controller endpoint the voter set was formatted with.
  printf '%s\n' "$KAFKA_CONTROLLER_PORT" >"$DATA_DIR/.switchyard-controller-port"
  printf '%s\n' "$KAFKA_SASL" >"$DATA_DIR/.switchyard-sasl"
  printf '%s\n' "$KAFKA_QUORUM" >"$DATA_DIR/.switchyard-quorum"
}

print_failure_logs() {
  if [[ -s "$OUTFILE" ]]; then
    echo "---- last 40 lines of $OUTFILE ----" >&2
    tail -n 40 "$OUTFILE" >&2
  fi
  echo "---- last 40 lines of $SERVER_LOG ----" >&2
  tail -n 40 "$SERVER_LOG" >&2 2>/dev/null || echo "(no server.log)" >&2
  echo "----" >&2
}

# wait_ready PID LOG_OFFSET: the port accepts connections AND server.log (past
# LOG_OFFSET, i.e. written by this start) says the server finished starting.
# The port alone is not enough: the socket server binds before the broker has
# caught up with the metadata log and can serve requests.
wait_ready() {
  local pid="$1" offset="$2" deadline=$((SECONDS + KAFKA_START_TIMEOUT)) size
  while ((SECONDS < deadline)); do
    if ! pid_alive "$pid"; then
      print_failure_logs
      die "broker process $pid exited during startup"
    fi
    if broker_answers; then
      size="$(stat -c %s "$SERVER_LOG" 2>/dev/null || echo 0)"
      ((size >= offset)) || offset=0 # log rolled over meanwhile
      if tail -c +"$((offset + 1))" "$SERVER_LOG" 2>/dev/null | grep -qF "$READY_MARKER"; then
        return 0
      fi
    fi
    sleep 0.5
  done
  print_failure_logs
  warn "broker not ready after ${KAFKA_START_TIMEOUT}s; stopping it"
  stop_pid kafka "$pid" "$KAFKA_STOP_TIMEOUT"
  rm -f "$PIDFILE"
  die "Kafka did not become ready within ${KAFKA_START_TIMEOUT}s (raise KAFKA_START_TIMEOUT if the machine is just slow)"
}

cmd_up() {
  local pid start=$SECONDS
  if broker_answers; then
    if pid="$(our_pid)"; then
      log "already running (pid $pid) on $KAFKA_ADVERTISED_HOST:$KAFKA_PORT"
      [[ "$(file_hash "$POM")" == "$(cat "$KAFKA_LIBS_DIR/.pom.sha256" 2>/dev/null)" ]] ||
        warn "infra/kafka/pom.xml changed since the classpath was fetched; run 'down' then 'up' to switch"
    elif speaks_kafka; then
      log "a Kafka broker already answers on $PROBE_HOST:$KAFKA_PORT (not started from $KAFKA_HOME_DIR); using it"
    else
      die "$PROBE_HOST:$KAFKA_PORT is taken by something that does not speak Kafka; free it or set KAFKA_PORT"
    fi
    return 0
  fi

  take_lock
  mkdir -p "$DATA_DIR" "$LOG_DIR"
  if pid="$(our_pid)"; then
    check_same_ports "$pid"
    if broker_answers; then # a concurrent `up` finished while we waited for the lock
      log "already running (pid $pid) on $KAFKA_ADVERTISED_HOST:$KAFKA_PORT"
      return 0
    fi
    # Our JVM is alive but not serving: a previous `up` was interrupted mid-start.
    log "broker (pid $pid) is starting; waiting for it"
    wait_ready "$pid" 0
    log "ready on $KAFKA_ADVERTISED_HOST:$KAFKA_PORT"
    return 0
  fi
  rm -f "$PIDFILE"

  if port_open "$PROBE_HOST" "$KAFKA_CONTROLLER_PORT"; then
    die "controller port $PROBE_HOST:$KAFKA_CONTROLLER_PORT is already in use by another process; set KAFKA_CONTROLLER_PORT"
  fi
  require_java
  fetch_libs
  write_server_properties
  format_storage
  [[ "$(cat "$DATA_DIR/.switchyard-sasl" 2>/dev/null || echo off)" == "$KAFKA_SASL" ]] ||
    die "storage in $DATA_DIR was formatted for another KAFKA_SASL than '$KAFKA_SASL'; run 'reset' to switch (it deletes the topics)"
  # Storage formatted before this marker existed is a single node's.
  local formatted_quorum
  formatted_quorum="$(cat "$DATA_DIR/.switchyard-quorum" 2>/dev/null || true)"
  [[ "$formatted_quorum" == "$KAFKA_QUORUM" ]] ||
    die "storage in $DATA_DIR was formatted for quorum '${formatted_quorum:-single node}', not '${KAFKA_QUORUM:-single node}'; run 'reset' to switch (it deletes the topics)"
  local formatted_port
  formatted_port="$(cat "$DATA_DIR/.switchyard-controller-port" 2>/dev/null || true)"
  if [[ -n "$formatted_port" && "$formatted_port" != "$KAFKA_CONTROLLER_PORT" ]]; then
    warn "storage was formatted with controller port $formatted_port, now $KAFKA_CONTROLLER_PORT; if startup fails, run 'reset'"
  fi

  local offset
  offset="$(stat -c %s "$SERVER_LOG" 2>/dev/null || echo 0)"
  : >"$OUTFILE"
  log "starting Kafka $(kafka_version) on $KAFKA_BIND_HOST:$KAFKA_PORT (controller :$KAFKA_CONTROLLER_PORT, heap $KAFKA_HEAP_OPTS)"
  # shellcheck disable=SC2086 # JVM option strings are intentionally word-split
  start_daemon "$PIDFILE" "$OUTFILE" \
    java $KAFKA_HEAP_OPTS $KAFKA_JVM_OPTS \
    -Dkafka.logs.dir="$LOG_DIR" \
    -Dlog4j2.configurationFile="$LOG4J_CONFIG" \
    -cp "$KAFKA_LIBS_DIR/*" \
    kafka.Kafka "$PROPS"
  pid="$(<"$PIDFILE")"
  wait_ready "$pid" "$offset"
  log "ready on $KAFKA_ADVERTISED_HOST:$KAFKA_PORT (pid $pid, $((SECONDS - start))s; logs: $SERVER_LOG)"
}

cmd_down() {
  take_lock
  local pid
  if pid="$(our_pid)"; then
    stop_pid kafka "$pid" "$KAFKA_STOP_TIMEOUT"
    rm -f "$PIDFILE"
    return 0
  fi
  rm -f "$PIDFILE"
  if broker_answers; then
    log "not started from $KAFKA_HOME_DIR; something else answers on $PROBE_HOST:$KAFKA_PORT and is left alone"
  else
    log "not running"
  fi
}

cmd_status() {
  local pid
  if broker_answers; then
    if pid="$(our_pid)"; then
      echo "kafka: running (pid $pid, Kafka $(kafka_version), bootstrap $KAFKA_ADVERTISED_HOST:$KAFKA_PORT, dir $KAFKA_HOME_DIR)"
    elif speaks_kafka; then
      echo "kafka: running (a broker answers on $PROBE_HOST:$KAFKA_PORT; not started from $KAFKA_HOME_DIR)"
    else
      echo "kafka: not running ($PROBE_HOST:$KAFKA_PORT is taken by something that does not speak Kafka)"
      return 3
    fi
    return 0
  fi
  if pid="$(our_pid)"; then
    local running
    running="$(running_listener)"
    if [[ -n "$running" && "$running" != "$KAFKA_BIND_HOST:$KAFKA_PORT" ]]; then
      echo "kafka: not running on port $KAFKA_PORT (but the broker from $KAFKA_HOME_DIR, pid $pid, runs on $running)"
    else
      echo "kafka: not running (pid $pid is starting or hung; port $KAFKA_PORT not answering)"
    fi
  else
    echo "kafka: not running"
  fi
  return 3
}

cmd_reset() {
  cmd_down
  log "deleting $DATA_DIR, $LOG_DIR and $SASL_DIR"
  rm -rf -- "$DATA_DIR" "$LOG_DIR" "$PROPS" "$SASL_DIR"
}

# scram NAME: create or rotate a principal on the running broker, logged in as admin.
cmd_scram() {
  local name="${1:-}" config
  [[ "$KAFKA_SASL" == scram ]] || die "scram needs KAFKA_SASL=scram"
  [[ "$name" =~ ^[a-z][a-z0-9-]*$ ]] || die "usage: kafka.sh scram NAME (a plain lower-case name)"
  [[ "$name" != controller ]] || die "the controller's password is in server.properties (PLAIN): change it there and restart"
  broker_answers || die "no broker answers on $PROBE_HOST:$KAFKA_PORT"
  config="$(umask 077 && mktemp)"
  # shellcheck disable=SC2064 # expand now: the path is local
  trap "rm -f '$config'" EXIT
  cat >"$config" <<EOF
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$(sasl_password admin)";
EOF
  kafka_java kafka.admin.ConfigCommand --bootstrap-server "$PROBE_HOST:$KAFKA_PORT" \
    --command-config "$config" --alter --entity-type users --entity-name "$name" \
    --add-config "SCRAM-SHA-512=[iterations=8192,password=$(sasl_password "$name")]" >/dev/null ||
    die "could not set the SCRAM credential of $name"
  log "principal $name: SCRAM-SHA-512 password set from $SASL_DIR/users/$name"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  reset) cmd_reset ;;
  scram) cmd_scram "${2:-}" ;;
  libs)
    fetch_libs
    echo "$KAFKA_LIBS_DIR"
    ;;
  random-uuid)
    fetch_libs >&2
    kafka_java kafka.tools.StorageTool random-uuid
    ;;
  *)
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2
    exit 2
    ;;
esac
