#!/usr/bin/env bash
# Every example tools/start prints works: tools/start --examples on free
# ports, in a folder of its own, then cleans up. With --console-tests, the
# console's browser tests instead (tools/start --console-tests).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
source "$ROOT/tools/lib/common.sh"
export DP_LOCAL
DP_LOCAL=$(mktemp -d /tmp/dp-start-examples.XXXXXX)
chmod 755 "$DP_LOCAL"
cleanup() {
  local pg
  pg=$(readlink -f "$DP_LOCAL/pg" || true)
  rm -rf "$DP_LOCAL"
  [ -n "$pg" ] && [ "$pg" != "$DP_LOCAL/pg" ] && rm -rf "$pg"
  return 0
}
trap cleanup EXIT
# Ports below the kernel's ephemeral range (32768 up), where the other tests'
# services, listening on port 0, are given theirs: PostgreSQL's, five
# consecutive ones for the services, the console's, and six for the
# services' and the console's /metrics.
TAKEN=()
# free_run N: the first of N consecutive free ports, none of them taken.
free_run() {
  local base i busy
  for _ in $(seq 1 50); do
    base=$(( 20000 + RANDOM % 12000 ))
    busy=0
    for i in $(seq 0 $(($1 - 1))); do
      [[ " ${TAKEN[*]} " == *" $((base + i)) "* ]] && busy=1
      ss -ltn "sport = :$((base + i))" | grep -q LISTEN && busy=1
    done
    if [ "$busy" -eq 0 ]; then
      for i in $(seq 0 $(($1 - 1))); do TAKEN+=($((base + i))); done
      echo "$base"
      return 0
    fi
  done
  echo "no $1 free ports" >&2
  return 1
}
free_run 1 >/dev/null  # (a subshell's TAKEN is lost: take each in this shell)
DP_PG_PORT=${TAKEN[-1]}
free_run 5 >/dev/null; DP_BASE_PORT=${TAKEN[-5]}
free_run 1 >/dev/null; DP_CONSOLE_PORT=${TAKEN[-1]}
free_run 6 >/dev/null; DP_METRICS_PORT=${TAKEN[-6]}
export DP_PG_PORT DP_BASE_PORT DP_CONSOLE_PORT DP_METRICS_PORT
"$ROOT/tools/start" "${1:---examples}"
if [ "${1:-}" = --console-tests ]; then
  # Each page's calls carried the page's trace id into the services' logs.
  grep -q '"trace":"console-[A-Za-z0-9_-]\{16\}"' "$DP_LOCAL/logs/agreements.log" ||
    { echo "no console page's trace id in the agreements service's log"; exit 1; }
  echo "the services' logs carry the console pages' trace ids"
fi
