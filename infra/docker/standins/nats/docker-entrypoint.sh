#!/bin/sh
# As the official image: arguments that start with "-" are flags for nats-server.
set -e
if [ "${1#-}" != "$1" ]; then
  set -- nats-server "$@"
fi
exec "$@"
