#!/usr/bin/env bash
# `npm test`: the whole suite on real brokers.
#
# 1. Starts whatever broker is missing (NATS, Kafka, Postgres: see brokers.sh).
# 2. Builds every package and app (tests run the built apps as real processes).
# 3. Checks that the committed generated documents are current (docs:check) and that the
#    Kubernetes manifests render and validate (k8s), then
#    runs the tiers: unit (pure logic), int (real NATS/Kafka/Postgres), e2e (every app
#    as a process, driven over HTTP), then drill (faults under load, on brokers of its
#    own). Each test suite works in its own namespace, so suites run in parallel and
#    can be re-run on the same brokers.
# 4. Prints each failed test with its reason, then one closing line: "N passed, N failed".
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# Fail in a second on a Node older than .nvmrc's, saying how to get the right one (lib.sh).
_log_prefix=test
# shellcheck source=lib.sh
source infra/local/lib.sh
require_node

# What each step took, printed at the end (CI's budget is 40 minutes in all).
timings=()
step() { # step NAME COMMAND...: runs it, records its duration, returns its exit code
  local name="$1" started=$SECONDS rc=0
  shift
  "$@" || rc=$?
  timings+=("$(printf '%-12s %4d s%s' "$name" $((SECONDS - started)) "$([ "$rc" -eq 0 ] || echo " (exit $rc)")")")
  return "$rc"
}

step brokers bash infra/local/brokers.sh up
step build npx turbo run build --output-logs=errors-only

rm -rf test-artifacts/jest && mkdir -p test-artifacts/jest
export JEST_JSON_DIR="$ROOT/test-artifacts/jest"
status=0
# Generated documents (the gateway's OpenAPI; the AsyncAPI document, its HTML and the README's
# topology table from the message catalog, tools/catalog) must be valid and match what is committed.
# That includes the Kubernetes resources generated from the topology (tools/k8s).
step docs npx turbo run docs:check --output-logs=errors-only || status=$?
# Every Kubernetes overlay rendered with kubectl kustomize and each object validated against the
# Kubernetes and CRD schemas, offline (tools/k8s, a few seconds); prints what it validated.
step k8s npm run --silent -w @switchyard/k8s-manifests k8s:validate || status=$?
step unit+int npx turbo run test:unit test:int --concurrency=2 --continue || status=$?
if [ "$status" -eq 0 ]; then
  step e2e npx turbo run test:e2e --continue || status=$?
fi
# Fault drills last: they start their own NATS and Kafka and break them under load
# (tests/drills, ADR 0014); their results count in the closing line like every tier.
if [ "$status" -eq 0 ]; then
  # One package at a time: each drill file starts brokers of its own (the cluster drills and the
  # replication lesson three NATS nodes and three Kafka brokers each), two at once on a 2-core
  # CI machine would measure the machine, not the fault.
  step drill npx turbo run test:drill --continue --concurrency=1 || status=$?
fi

echo
echo "== time per step"
printf '%s\n' "${timings[@]}"
# Each failed test again with its reason, then the closing line (test-summary.js).
node infra/local/test-summary.js
exit "$status"
