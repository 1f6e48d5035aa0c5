#!/bin/sh
# The official node image's entrypoint: `docker run node:24 -e '…'` runs node with those
# arguments; anything that is a command on PATH runs as is.
set -e
if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}" || true)" ]; then
  set -- node "$@"
fi
exec "$@"
