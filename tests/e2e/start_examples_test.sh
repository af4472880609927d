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
# services, listening on port 0, are given theirs: PostgreSQL's, then five
# consecutive free ones for the services.
export DP_PG_PORT=""
for _ in $(seq 1 50); do
  p=$(( 20000 + RANDOM % 12000 ))
  ss -ltn "sport = :$p" | grep -q LISTEN || { DP_PG_PORT=$p; break; }
done
export DP_BASE_PORT=""
for _ in $(seq 1 50); do
  base=$(( 20000 + RANDOM % 12000 ))
  [ "$base" -le "$DP_PG_PORT" ] && [ "$DP_PG_PORT" -le $((base + 4)) ] && continue
  busy=0
  for i in 0 1 2 3 4; do
    ss -ltn "sport = :$((base + i))" | grep -q LISTEN && busy=1
  done
  if [ "$busy" -eq 0 ]; then DP_BASE_PORT=$base; break; fi
done
[ -n "$DP_BASE_PORT" ] || { echo "no five free ports"; exit 1; }
export DP_CONSOLE_PORT=""
for _ in $(seq 1 50); do
  p=$(( 20000 + RANDOM % 12000 ))
  [ "$p" -eq "$DP_PG_PORT" ] && continue
  [ "$p" -ge "$DP_BASE_PORT" ] && [ "$p" -le $((DP_BASE_PORT + 4)) ] && continue
  ss -ltn "sport = :$p" | grep -q LISTEN || { DP_CONSOLE_PORT=$p; break; }
done
"$ROOT/tools/start" "${1:---examples}"
if [ "${1:-}" = --console-tests ]; then
  # Each page's calls carried the page's trace id into the services' logs.
  grep -q '"trace":"console-[A-Za-z0-9_-]\{16\}"' "$DP_LOCAL/logs/agreements.log" ||
    { echo "no console page's trace id in the agreements service's log"; exit 1; }
  echo "the services' logs carry the console pages' trace ids"
fi
