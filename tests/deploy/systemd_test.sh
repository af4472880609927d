#!/usr/bin/env bash
# tests/deploy/systemd_test.sh: follows deploy/README.md's step 3 into a
# temporary prefix and checks what it made:
#   - systemd-analyze verify passes every unit, with nothing to say;
#   - every unit runs as its own user, with the shared hardening, and loads
#     its private key and the keyring as credentials (never a readable path);
#   - each service's OS user maps to exactly the database role its
#     environment file connects as (deploy/postgresql/pg_ident.conf);
#   - the example environment files are installed mode 0600, and an
#     operator's own are never overwritten;
#   - the installed migrations and data are the ones the units name: the
#     migration unit's command migrates a real PostgreSQL (DP_TEST_DATABASE_URL).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="${DP_BUILD:-$ROOT/build}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

PREFIX="$TMP/usr" CONF="$TMP/etc/dp"
mkdir -p "$CONF"
sed "s/0.0.0.0:7051/10.0.0.5:7051/" "$ROOT/deploy/systemd/env/ledger.env" >"$CONF/ledger.env"
chmod 0600 "$CONF/ledger.env"
"$ROOT/deploy/install" --build "$BUILD" "$PREFIX" "$CONF" >/dev/null
UNITS="$PREFIX/lib/systemd/system"

out=$(cd "$UNITS" && systemd-analyze verify --man=no ./*.service ./dp.target 2>&1) ||
  fail "systemd-analyze verify: $out"
[ -z "$out" ] || fail "systemd-analyze verify has something to say: $out"
echo "ok   systemd-analyze verify: $(ls "$UNITS" | wc -l) units"

grep -q "10.0.0.5:7051" "$CONF/ledger.env" || fail "the operator's ledger.env was overwritten"
for env in "$CONF"/*.env; do
  [ "$(stat -c %a "$env")" = 600 ] || fail "$env is not mode 0600"
done
echo "ok   environment files: mode 0600, the operator's kept"

declare -A users
for unit in "$UNITS"/dp-*.service; do
  name=$(basename "$unit" .service)
  user=$(sed -n 's/^User=//p' "$unit")
  [ -n "$user" ] && [ "$user" != root ] || fail "$name runs as '$user'"
  [ -z "${users[$user]:-}" ] || fail "$name and ${users[$user]} share the user $user"
  users[$user]=$name
  grep -qx "NoNewPrivileges=yes" "$unit" && grep -qx "ProtectSystem=strict" "$unit" &&
    grep -qx "CapabilityBoundingSet=" "$unit" || fail "$name lacks the hardening"
  grep -q "^LoadCredential=keys:$CONF/keys$" "$unit" || fail "$name does not load the keyring as a credential"
  if grep -q -- "--tls-key" "$unit"; then
    grep -q -- "--tls-key %d/tls.key" "$unit" || fail "$name reads its TLS key from a path, not a credential"
  fi
  # Every file the command names exists in the prefix.
  for path in $(sed -n 's/^ExecStart=//p' "$unit" | tr ' ' '\n' | grep "^$PREFIX"); do
    [ -e "$path" ] || fail "$name names $path, which was not installed"
  done
  # The OS user connects as the role its environment names, and only that.
  env_file=$(sed -n 's/^EnvironmentFile=//p' "$unit")
  role=$(sed -n 's/^DP_DATABASE_URL=.*[?&]user=\([a-z_]*\).*/\1/p' "$env_file")
  grep -Eq "^dp +$user +$role$" "$ROOT/deploy/postgresql/pg_ident.conf" ||
    fail "$name: pg_ident.conf does not map $user to $role"
done
echo "ok   ${#users[@]} services, each its own user, hardened, keys as credentials, mapped to its role"

# The Prometheus configuration reads, names only our series, and scrapes
# each service where its environment file serves metrics.
python3 - "$ROOT/deploy/prometheus" "$ROOT/deploy/systemd/env" <<'PY' || fail "deploy/prometheus"
import pathlib, re, sys, yaml
prom, env = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
config = yaml.safe_load((prom / "prometheus.yml").read_text())
targets = {t for job in config["scrape_configs"] if job["job_name"] == "dp"
           for sc in job["static_configs"] for t in sc["targets"]}
assert {job["job_name"] for job in config["scrape_configs"]} == {"dp", "patroni", "node"}
served = {re.search(r"^DP_METRICS_LISTEN=(.*)$", f.read_text(), re.M).group(1)
          for f in env.glob("*.env") if "DP_METRICS_LISTEN" in f.read_text()}
assert targets == served, (targets, served)
# The series the services serve (lib/service/metrics.*), with a histogram's
# suffixes, and the backup-age textfile's.
source = "".join((prom.parent.parent / "lib" / "service" / f).read_text() for f in ("metrics.h", "metrics.cc"))
ours = {n + suffix for n in re.findall(r'"(dp_[a-z_]+)', source) for suffix in ("", "_bucket", "_sum", "_count")}
ours |= set(re.findall(r"\b(dp_[a-z_]+) ", (prom / "backup-age").read_text()))
for rule in yaml.safe_load((prom / "dp-alerts.yml").read_text())["groups"][0]["rules"]:
    for series in re.findall(r"\b(dp_[a-z_]+)", rule["expr"]):
        assert series in ours, series
alerts = {r["alert"] for r in yaml.safe_load((prom / "dp-alerts.yml").read_text())["groups"][0]["rules"]}
assert {"DpServiceDown", "DpAuditAppendFailures", "DpAuthorisationSlow", "DpNoLeader",
        "DpBackupTooOld", "DpCardDeclinedSystemUnavailable"} <= alerts, alerts
PY
echo "ok   deploy/prometheus: scrapes the 5 services where they serve metrics; alerts on our series"

if [ -n "${DP_TEST_DATABASE_URL:-}" ]; then
  cmd=$(sed -n 's/^ExecStart=//p' "$UNITS/dp-migrate.service" | sed "s|%d/keys|$ROOT/tests/support/test.keys|")
  # shellcheck disable=SC2086  # the unit's words
  DP_DATABASE_URL="$DP_TEST_DATABASE_URL" $cmd >"$TMP/migrate.log" 2>&1 ||
    fail "the migration unit's command: $(tail -5 "$TMP/migrate.log")"
  echo "ok   the migration unit's command migrates with the installed migrations"
fi
echo "deploy: every check passed"
