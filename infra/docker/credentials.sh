#!/usr/bin/env bash
# Every credential docker compose needs, made once and kept (all git-ignored):
#   NATS   one NKey per service into .local/compose/nats/ (<user>.env: its seed; server.env:
#          every public key), by tools/catalog's nats-credentials generator
#   Kafka  one random SCRAM-SHA-512 password per principal into .local/compose/kafka/<name>
#          (mode 600): admin (the set-up principal: SCRAM users, topics, ACLs), controller
#          (the KRaft controller listener's static PLAIN user), bridge, projector, rebuilder,
#          gateway (ADR 0035, 0041)
# then copied into the blocks this script owns in the repository's .env, which compose reads
# for ${SWITCHYARD_NATS_*} and ${SWITCHYARD_KAFKA_*} (docker-compose.yml); other lines of .env
# are left as they are, and nothing is printed. Without them `docker compose config` still
# passes (empty defaults) but nats-server, the Kafka set-up and the apps refuse to start.
# Rotate one: delete its file, run this again, then `docker compose up -d --force-recreate`
# (Kafka: kafka-users sets every password again on each `up`; the controller's lives in
# the broker's config, so recreate kafka too).
# Needs Node 24 and `npm ci` (the NATS generator is tools/catalog's nats-credentials).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
GENERATOR=tools/catalog/dist/nats-credentials.js
[[ -f $GENERATOR ]] || npx turbo run build --filter=@switchyard/catalog-docs --output-logs=errors-only
NATS_DIR="${1:-.local/compose/nats}"
KAFKA_DIR="${2:-.local/compose/kafka}"
KAFKA_PRINCIPALS=(admin controller bridge projector rebuilder gateway)

node "$GENERATOR" "$NATS_DIR"

# One password per principal, random, URL- and JAAS-safe (no quote, no slash), kept once made.
mkdir -p "$KAFKA_DIR"
chmod 700 "$KAFKA_DIR"
for name in "${KAFKA_PRINCIPALS[@]}"; do
  file="$KAFKA_DIR/$name"
  [[ -s $file ]] || (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=\n' >"$file")
done

nats_block() {
  cat "$NATS_DIR/server.env" # SWITCHYARD_NATS_NKEY_<USER>=<public key>
  for file in "$NATS_DIR"/*.env; do
    user="$(basename "$file" .env)"
    [[ $user == server ]] && continue
    sed -n "s/^NATS_NKEY_SEED=/SWITCHYARD_NATS_SEED_${user^^}=/p" "$file"
  done
}
kafka_block() {
  for name in "${KAFKA_PRINCIPALS[@]}"; do
    printf 'SWITCHYARD_KAFKA_PASSWORD_%s=%s\n' "${name^^}" "$(cat "$KAFKA_DIR/$name")"
  done
}

# The .env blocks, each between its own markers: replaced whole on every run.
NATS_BEGIN='# >>> switchyard NATS keys, written by infra/docker/credentials.sh >>>'
NATS_END='# <<< switchyard NATS keys <<<'
KAFKA_BEGIN='# >>> switchyard Kafka passwords, written by infra/docker/credentials.sh >>>'
KAFKA_END='# <<< switchyard Kafka passwords <<<'
# (the NATS block's marker before this script was named credentials.sh, so that an old .env
# does not keep a second copy)
OLD_NATS_BEGIN='# >>> switchyard NATS keys, written by nats-credentials.sh >>>'
touch .env
# (\| as sed's address delimiter: the markers hold slashes)
kept="$(sed -e "\|^$OLD_NATS_BEGIN\$|,\|^$NATS_END\$|d" -e "\|^$NATS_BEGIN\$|,\|^$NATS_END\$|d" \
  -e "\|^$KAFKA_BEGIN\$|,\|^$KAFKA_END\$|d" .env)"
(umask 077 && {
  [[ -n $kept ]] && printf '%s\n' "$kept"
  printf '%s\n' "$NATS_BEGIN" && nats_block && printf '%s\n' "$NATS_END"
  printf '%s\n' "$KAFKA_BEGIN" && kafka_block && printf '%s\n' "$KAFKA_END"
} >.env.tmp)
mv .env.tmp .env
chmod 600 .env
