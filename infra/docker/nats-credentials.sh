#!/usr/bin/env bash
# One NATS NKey per service for docker compose, made once: .local/compose/nats/<user>.env
# (NATS_NKEY_SEED, NATS_INBOX_PREFIX: the app's env_file) and server.env (every public key:
# nats-server's env_file). Git-ignored; an existing key is kept. Rotate one: delete its
# file, run this again, then `docker compose up -d --force-recreate nats <app>`.
# Needs Node 24 and `npm ci` (the generator is tools/catalog's nats-credentials).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
GENERATOR=tools/catalog/dist/nats-credentials.js
[[ -f $GENERATOR ]] || npx turbo run build --filter=@switchyard/catalog-docs --output-logs=errors-only
node "$GENERATOR" "${1:-.local/compose/nats}"
