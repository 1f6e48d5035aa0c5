#!/bin/sh
# The compose one-shot `kafka-users` (docker-compose.yml): gives every Kafka principal its
# SCRAM-SHA-512 credential, from the passwords infra/docker/credentials.sh wrote into .env.
# Runs in the Kafka image itself (its kafka-configs.sh), on every `up`: idempotent, and a
# changed password in .env is the new one after the next `up` (rotation).
#
# Why a one-shot and not the broker's first start: the official image formats its storage
# without `--add-scram`, so SCRAM users can only be added through a running broker, by a
# principal that is already known to it. That is `admin` over the SETUP listener, where the
# broker checks it against a static PLAIN user in its own config (no SCRAM user needed to
# bootstrap the others). The SETUP listener is not published; PLAIN sends the password to the
# broker, on the compose network only.
#
# POSIX sh: the official image is not the Debian stand-in. No password is printed, and none
# goes on a command line (where `ps` would show it): both go through files in this
# container's /tmp, gone with the container.
set -eu
BOOTSTRAP="${KAFKA_SETUP_BOOTSTRAP:-kafka:19094}"
umask 077
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

[ -n "${SWITCHYARD_KAFKA_PASSWORD_ADMIN:-}" ] || {
  echo "kafka-users: no Kafka passwords in the environment; run bash infra/docker/credentials.sh first" >&2
  exit 1
}
cat >"$work/admin.properties" <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="${SWITCHYARD_KAFKA_PASSWORD_ADMIN}";
PROPS

# admin too: kafka-acls and the operator's tools log in to the SCRAM listeners as admin.
for name in admin bridge projector rebuilder gateway; do
  upper="$(echo "$name" | tr '[:lower:]' '[:upper:]')"
  password="$(eval "printf '%s' \"\${SWITCHYARD_KAFKA_PASSWORD_${upper}:-}\"")"
  [ -n "$password" ] || { echo "kafka-users: SWITCHYARD_KAFKA_PASSWORD_${upper} is empty; run bash infra/docker/credentials.sh" >&2; exit 1; }
  # In a config file the value has no brackets (`[...]` is the command line's list syntax;
  # kafka-configs.sh refuses it here with "Invalid credential property").
  printf 'SCRAM-SHA-512=iterations=8192,password=%s\n' "$password" >"$work/scram.properties"
  /opt/kafka/bin/kafka-configs.sh --bootstrap-server "$BOOTSTRAP" --command-config "$work/admin.properties" \
    --alter --entity-type users --entity-name "$name" --add-config-file "$work/scram.properties" >/dev/null
  echo "kafka-users: $name has its SCRAM-SHA-512 credential"
done
