#!/usr/bin/env bash
# One NATS NKey per service for docker compose, made once into .local/compose/nats/
# (<user>.env: its seed; server.env: every public key), then copied into the block this
# script owns in the repository's .env, which compose reads for ${SWITCHYARD_NATS_*}
# (docker-compose.yml). Both git-ignored; an existing key is kept; other lines of .env are
# left as they are. Without them, `docker compose config` still passes (empty defaults) but
# nats-server and the apps refuse to start. Rotate one: delete its file, run this again, then
# `docker compose up -d --force-recreate nats <app>`.
# Needs Node 24 and `npm ci` (the generator is tools/catalog's nats-credentials).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
GENERATOR=tools/catalog/dist/nats-credentials.js
[[ -f $GENERATOR ]] || npx turbo run build --filter=@switchyard/catalog-docs --output-logs=errors-only
DIR="${1:-.local/compose/nats}"
node "$GENERATOR" "$DIR"

BEGIN='# >>> switchyard NATS keys, written by nats-credentials.sh >>>'
END='# <<< switchyard NATS keys <<<'
block() {
  echo "$BEGIN"
  cat "$DIR/server.env" # SWITCHYARD_NATS_NKEY_<USER>=<public key>
  for file in "$DIR"/*.env; do
    user="$(basename "$file" .env)"
    [[ $user == server ]] && continue
    sed -n "s/^NATS_NKEY_SEED=/SWITCHYARD_NATS_SEED_${user^^}=/p" "$file"
  done
  echo "$END"
}
touch .env
kept="$(sed "/^$BEGIN\$/,/^$END\$/d" .env)"
(umask 077 && { [[ -n $kept ]] && printf '%s\n' "$kept"; block; } >.env.tmp)
mv .env.tmp .env
chmod 600 .env
