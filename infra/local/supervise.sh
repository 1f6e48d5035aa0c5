#!/usr/bin/env bash
# supervise.sh PIDFILE DELAY CMD...: runs CMD, and runs it again DELAY seconds after it
# dies, whatever killed it, as Kubernetes' restartPolicy or systemd's Restart=always would.
# PIDFILE always holds the running CMD's pid (removed while it is down), so the demo's
# fault injector can kill exactly that process (ADR 0047). SIGTERM/SIGINT to this script
# stop CMD (SIGTERM, then wait) and end the loop: no restart after a deliberate stop.
set -uo pipefail
(($# >= 3)) || { echo "usage: supervise.sh PIDFILE DELAY CMD..." >&2; exit 2; }
pidfile=$1 delay=$2
shift 2
[[ $delay =~ ^[0-9]+$ ]] || { echo "supervise.sh: DELAY must be whole seconds, got '$delay'" >&2; exit 2; }
child=''

stop() {
  trap - INT TERM
  if [[ -n $child ]]; then
    kill -TERM "$child" 2>/dev/null
    wait "$child" 2>/dev/null
  fi
  rm -f "$pidfile"
  exit 0
}
trap stop INT TERM

while true; do
  "$@" &
  child=$!
  echo "$child" >"$pidfile"
  # A trapped signal interrupts `wait`: stop() runs and exits, so the lines below are only
  # reached when CMD itself ended.
  wait "$child"
  code=$?
  child=''
  rm -f "$pidfile"
  echo "[supervise] $(basename "$pidfile" .pid) exited (status $code); restarting in ${delay} s" >&2
  sleep "$delay" &
  child=$!
  wait "$child"
  child=''
done
