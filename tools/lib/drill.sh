# tools/lib/drill.sh: what the drills share (tools/drill-*), sourced after
# common.sh: a temporary folder cleaned up at the end, certificates and a
# keyring, the services over a given database, the steady client load of
# journals and card authorisations with idempotent retries, and the checks
# that every acknowledged operation is present exactly once.

# drill_init NAME: $T, a temporary folder removed at exit (DP_DRILL_KEEP=1
# keeps it and the processes, to look), with every process in PIDS and
# every process started with a path under $T stopped; fail and ms.
drill_init() {
  T=$(mktemp -d "/tmp/dp-drill-$1.XXXXXX")
  chmod 755 "$T"
  PIDS=()
  DRILL_CLEANUP=()  # more commands for the end (a cluster to stop ...)
  trap drill_cleanup EXIT
  [ -n "${DP_DRILL_KEEP:-}" ] && trap - EXIT
  return 0
}
drill_cleanup() {
  touch "$T/stop"
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  pkill -9 -f "$T/" 2>/dev/null || true  # services, and Patroni's PostgreSQL, by folder
  for c in "${DRILL_CLEANUP[@]}"; do eval "$c" || true; done
  sleep 0.5
  rm -rf "$T" || true
}
fail() { dp_log "DRILL FAILED: $*"; exit 1; }
ms() { date +%s%3N; }

# drill_pki WHO...: a CA, the services' certificate and WHO's certificates in
# $PKI, and a keyring in $T/keys (DP_KEYS_FILE); dpctl uses the services'.
drill_pki() {
  PKI="$T/pki"
  "$DP_ROOT/tools/pki" init "$PKI" >/dev/null
  for who in "$@"; do "$DP_ROOT/tools/pki" issue "$PKI" "$who" >/dev/null; done
  "$DP_ROOT/tools/keys" new "$T/keys" >/dev/null
  export DP_KEYS_FILE="$T/keys"
  export DP_CA="$PKI/ca.crt" DP_CERT="$PKI/services.crt" DP_KEY="$PKI/services.key"
  DPCTL="$DP_BUILD/tools/dpctl/dpctl"
}

# drill_schema OWNER_URL PSQL...: the migrations, then the platform's
# administrator, the services' own principal and the console's.
drill_schema() {
  local owner="$1"; shift
  "$DP_BUILD/services/ledger/dp-ledger" --migrate-only --database-url "$owner" \
    >"$T/migrate.log" 2>&1 || fail "migrations: $(tail -3 "$T/migrate.log")"
  "$@" -qv ON_ERROR_STOP=1 <<'SQL' >/dev/null
INSERT INTO iam.organisations (id, kind, name) VALUES ('PLATFORM', 'internal', 'Platform')
  ON CONFLICT DO NOTHING;
INSERT INTO iam.principals (name, organisation_id, role) VALUES
  ('admin', 'PLATFORM', 'admin'), ('dp-services', 'PLATFORM', 'service'),
  ('console@platform', 'PLATFORM', 'console') ON CONFLICT DO NOTHING;
SQL
}

# drill_service SVC URL [supervised]: starts dp-SVC with mutual TLS on a free
# port over URL, logging to ${DRILL_LOGS:-$T}/SVC.log, and exports
# DP_<SVC>_ADDR. Supervised, it is started again whenever it stops (as
# systemd's Restart= does), until $T/stop exists.
drill_service() {
  local svc="$1" url="$2" port upper extra
  read -ra extra <<<"${DRILL_SERVICE_ARGS[$svc]:-}"  # split on spaces, never globbed
  port=$(dp_free_port)
  upper=$(echo "$svc" | tr a-z A-Z)
  export "DP_${upper}_ADDR=127.0.0.1:$port"
  local cmd=("$DP_BUILD/services/$svc/dp-$svc" --listen "127.0.0.1:$port" --tls-cert "$PKI/services.crt"
    --tls-key "$PKI/services.key" --tls-ca "$PKI/ca.crt" --no-migrate --database-url "$url"
    "${extra[@]}")
  if [ "${3:-}" = supervised ]; then
    ( while [ ! -e "$T/stop" ]; do "${cmd[@]}" >>"${DRILL_LOGS:-$T}/$svc.log" 2>&1 || true; sleep 0.2; done ) &
  else
    "${cmd[@]}" >>"${DRILL_LOGS:-$T}/$svc.log" 2>&1 &
  fi
  PIDS+=($!)
}
declare -A DRILL_SERVICE_ARGS=()  # more flags for a service, space-separated

# drill_ready: waits until every service answers dpctl check (30 s), then
# loads tools/start's demo data (an authority, agreements, a card, a PA
# employer) and makes two accounts for the client's journals.
drill_ready() {
  for _ in $(seq 1 60); do "$DPCTL" check >/dev/null 2>&1 && break; sleep 0.5; done
  "$DPCTL" check >/dev/null || fail "the services did not come up: $(tail -2 "${DRILL_LOGS:-$T}/ledger.log")"
  DP_DEMO_IDS="$T/demo-ids" "$DP_ROOT/tools/demo-data" "$DPCTL" "$PKI" >"$T/demo.log" 2>&1 ||
    fail "the demo data: $(tail -3 "$T/demo.log")"
  source "$T/demo-ids"
  as officer@fife ledger accounts create --code FIFE:DRILL-A --name "Drill A" --type equity --request-id a1 >/dev/null
  as officer@fife ledger accounts create --code FIFE:DRILL-B --name "Drill B" --type asset --request-id a2 >/dev/null
}

# as WHO ARGS...: dpctl as WHO.
as() { local who="$1"; shift; DP_CERT="$PKI/$who.crt" DP_KEY="$PKI/$who.key" "$DPCTL" "$@"; }

# drill_once KIND N: one operation of the client's load, its id on stdout
# when answered: a journal (ledger), an authorisation (cards), or a hold
# that expires in 3 s (ledger).
drill_once() {
  case "$1" in
    journal)
      as officer@fife --output json ledger journal --debit "FIFE:DRILL-B=$2.00" \
        --credit "FIFE:DRILL-A=$2.00" --reason "drill $2" --request-id "drill-$2" 2>>"$T/client.log" |
        sed -n 's/^ *"id": *"\{0,1\}\([0-9][0-9]*\).*/\1/p' | head -1 ;;
    authorisation)
      as switch@processor cards authorize --id "drill-auth-$2" --token demo-card-callum-0001 \
        --amount 1.00 --mcc 5411 --merchant Grocer >/dev/null 2>>"$T/client.log" && echo "drill-auth-$2" ;;
    hold)
      as officer@fife --output json ledger hold create --from FIFE:DRILL-B --to FIFE:DRILL-A \
        --amount 1.00 --timeout-s 3 --reason "drill hold $2" --request-id "drill-hold-$2" 2>>"$T/client.log" |
        sed -n 's/^ *"id": *"\{0,1\}\([0-9][0-9]*\).*/\1/p' | head -1 ;;
  esac
}

# drill_client N KINDS...: the steady load, one operation at a time: for n
# in 1..N (and on while $T/load-on exists), each of KINDS (a hold only
# every fifth n), each retried with its same request or processor id until
# answered, at most 120 tries a quarter second apart. Each acknowledged id
# goes to $T/KIND.acked; $T/rounds is how many n there were; $T/slow counts
# the operations held up more than a second.
drill_client() {
  local n="$1" id started slow=0 kind i=0; shift
  while [ "$i" -lt "$n" ] || [ -e "$T/load-on" ]; do
    i=$((i + 1))
    for kind in "$@"; do
      [ "$kind" = hold ] && [ $((i % 5)) -ne 0 ] && continue
      started=$(ms)
      id=""
      for _ in $(seq 1 120); do
        id=$(drill_once "$kind" "$i") || true
        [ -n "$id" ] && break
        sleep 0.25
      done
      [ -n "$id" ] || { echo "gave up on $kind $i" >>"$T/client.err"; continue; }
      echo "$id" >>"$T/$kind.acked"
      if [ $(( $(ms) - started )) -gt 1000 ]; then slow=$((slow + 1)); fi
    done
  done
  echo "$i" >"$T/rounds"
  echo "$slow" >"$T/slow"
}

# drill_wait_acked KIND COUNT: waits (60 s at most) until COUNT of KIND are acknowledged.
drill_wait_acked() {
  touch "$T/$1.acked"
  for _ in $(seq 1 600); do [ "$(wc -l <"$T/$1.acked")" -ge "$2" ] && return 0; sleep 0.1; done
  fail "the client is not getting ${1}s through: $(tail -3 "$T/client.log")"
}

# drill_verify PSQL...: every acknowledged journal and authorisation of the
# client's rounds is present exactly once, none is there twice, and the
# ledger balances; sets ROUNDS, JOURNALS_PRESENT and AUTHS_PRESENT.
drill_verify() {
  local n; n=$(cat "$T/rounds"); ROUNDS=$n
  [ ! -s "$T/client.err" ] || fail "$(cat "$T/client.err")"
  local acked auths journals twice imbalance
  acked=$(wc -l <"$T/journal.acked"); auths=$(wc -l <"$T/authorisation.acked")
  [ "$acked" = "$n" ] && [ "$auths" = "$n" ] || fail "$acked journals and $auths authorisations of $n answered"
  JOURNALS_PRESENT=$("$@" -c "SELECT count(*) FROM ledger.transactions WHERE id IN ($(paste -sd, "$T/journal.acked"))")
  journals=$("$@" -c "SELECT count(*) FROM ledger.transactions WHERE description LIKE 'drill %'")
  AUTHS_PRESENT=$("$@" -c "SELECT count(*) FROM cards.authorisations WHERE processor_id LIKE 'drill-auth-%'")
  twice=$("$@" -c "SELECT count(*) FROM (SELECT request_id FROM ledger.transactions
    GROUP BY 1 HAVING count(*) > 1) x")
  imbalance=$("$@" -c "SELECT count(*) FROM (SELECT transaction_id FROM ledger.postings
    GROUP BY 1 HAVING sum(amount_pence) <> 0) x")
  [ "$JOURNALS_PRESENT" = "$acked" ] || fail "$JOURNALS_PRESENT of $acked acknowledged journals present"
  [ "$journals" = "$n" ] || fail "$journals journals present, for $n asked (one twice?)"
  [ "$AUTHS_PRESENT" = "$n" ] || fail "$AUTHS_PRESENT authorisations present, for $n answered"
  [ "$twice" = 0 ] && [ "$imbalance" = 0 ] || fail "twice: $twice, unbalanced: $imbalance"
}
