# Shared by tools/start, tools/test and tools/bench-ledger. Source it.
set -euo pipefail

DP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DP_BUILD="${DP_BUILD:-$DP_ROOT/build}"
# Where tools/start keeps its database, keys, certificates and logs.
DP_LOCAL="${DP_LOCAL:-$DP_ROOT/.local}"
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"

DP_PACKAGES=(build-essential cmake ninja-build ccache pkg-config
  libgrpc++-dev libgrpc-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler grpc-proto
  libpqxx-dev libpq-dev libabsl-dev libssl-dev libgtest-dev libgmock-dev
  libcli11-dev nlohmann-json3-dev libfmt-dev libhpdf-dev libxml2-dev libxlsxwriter-dev
  golang-github-gogo-googleapis-dev
  libcpp-httplib-dev chromium
  postgresql postgresql-contrib openssl iproute2 systemd python3-yaml python3-kubernetes)

dp_log() { printf '\033[1m[dp]\033[0m %s\n' "$*" >&2; }

# dp_install_packages installs whichever Debian packages are missing.
dp_install_packages() {
  local missing=()
  for p in "${DP_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  dp_log "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# dp_build configures (once) and builds everything with two jobs. ccache
# rewrites paths under the checkout as relative ones, so that another clone
# (CI's) finds what this one compiled.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$DP_ROOT}"
dp_build() {
  if [ ! -f "$DP_BUILD/build.ninja" ]; then
    cmake -S "$DP_ROOT" -B "$DP_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  fi
  dp_log "building (cmake --build, -j2)"
  cmake --build "$DP_BUILD" -j2
}

# dp_free_port prints a loopback TCP port no socket uses.
dp_free_port() {
  # Below the kernel's range for outgoing connections' ports (32768 up, by
  # default): a port picked there could be taken by any connection before
  # the service binds it (a bench's metrics port once was). Not in use by
  # any socket, listening or not.
  local port low
  low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  [ "${low:-0}" -gt 21000 ] 2>/dev/null || low=32768
  for _ in $(seq 1 50); do
    port=$(( 20000 + RANDOM % (low - 20000) ))
    if [ -z "$(ss -tanH "sport = :$port")" ]; then echo "$port"; return 0; fi
  done
  echo "no free port found" >&2; return 1
}

# _as_postgres runs a command as the postgres user when we are root
# (PostgreSQL refuses to run as root), as ourselves otherwise.
_as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# dp_bench_check_quiet warns when something else could skew a benchmark:
# another PostgreSQL already running (one with hundreds of test databases
# forks autovacuum workers several times a second: a quarter of the CPU in
# one profile), or a machine already busy.
dp_bench_check_quiet() {
  local others load
  others=$(pgrep -c -f "$PGBIN/postgres -D" || true)
  [ "${others:-0}" -gt 0 ] &&
    dp_log "warning: $others PostgreSQL cluster(s) already running here; stop them for figures that mean something"
  load=$(cut -d' ' -f1 /proc/loadavg)
  awk -v l="$load" 'BEGIN { exit !(l > 1.0) }' &&
    dp_log "warning: load average $load before the benchmark; the figures will be noisy"
  return 0
}

# dp_bench_steady_wal PORT [SEGMENTS]: brings a fresh benchmark cluster's
# write-ahead log to the state of one that has been running: SEGMENTS (48)
# segment files made ahead and recycled by a checkpoint, as a running
# server recycles the old ones at each checkpoint (min_wal_size keeps them).
# A fresh cluster instead makes each new 16 MB segment on demand, writing it
# full of zeros and syncing it while the commits behind it wait: a burst of
# 16 MB every few seconds at 500 card decisions a second, behind which
# bench-cards' slowest decisions queued (open-loop p999 20 to 25 ms with the
# segments made ahead, 27 to 39 without, in runs side by side). Run it
# after the warm-up: the checkpoint's full-page writes then come in the
# measured part, as they do in service.
dp_bench_steady_wal() {
  local port="$1" segments="${2:-48}"
  local psql=(_as_postgres "$PGBIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atq
    -v ON_ERROR_STOP=1)
  "${psql[@]}" -c "ALTER SYSTEM SET min_wal_size = '1GB'" -c "ALTER SYSTEM SET max_wal_size = '4GB'" \
    -c "SELECT pg_reload_conf()" >/dev/null
  # Each switch closes the segment in use; the row after it opens (makes) the next.
  "${psql[@]}" -c "CREATE TABLE dp_bench_wal (n int)" \
    -c "DO \$\$ BEGIN FOR i IN 1..$segments LOOP
          INSERT INTO dp_bench_wal VALUES (i); PERFORM pg_switch_wal(); END LOOP; END \$\$" \
    -c "DROP TABLE dp_bench_wal" -c "CHECKPOINT" >/dev/null
}

# dp_pg_start DIR PORT [durable|fast]: initialise (once) and start a cluster
# in DIR listening on 127.0.0.1:PORT only. "fast" turns fsync off: for
# throwaway test clusters only, never for benchmarks or real data.
# DP_PG_EXTRA adds server options ("-c archive_mode=on ...").
dp_pg_start() {
  local dir="$1" port="$2" mode="${3:-durable}"
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir" && chmod 700 "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    _as_postgres "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust --no-sync >/dev/null
  fi
  local opts="-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir"
  opts="$opts -c max_connections=200 -c shared_buffers=512MB"
  if [ "$mode" = fast ]; then
    opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  else
    opts="$opts -c fsync=on -c synchronous_commit=on"
  fi
  # Last, so that it can override the mode's settings (a diagnostic run
  # with synchronous_commit off, say): the last -c of a name wins.
  opts="$opts ${DP_PG_EXTRA:-}"
  _as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "$opts" start >/dev/null
  dp_pg_roles "$port"
}

# dp_pg_roles PORT: the database roles (deploy/roles/roles.sql) and the
# database dp, owned by dp_owner, who applies the migrations. A database
# made before roles existed is handed to dp_owner (deploy/roles/adopt.sql).
dp_pg_roles() {
  local port="$1"
  local psql=(env PGOPTIONS=--client-min-messages=warning "$PGBIN/psql" -h 127.0.0.1
    -p "$port" -U postgres -qAt -v ON_ERROR_STOP=1)
  _as_postgres "${psql[@]}" -d postgres -f - <"$DP_ROOT/deploy/roles/roles.sql" >/dev/null
  if _as_postgres "${psql[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = 'dp'" |
      grep -q 1; then
    _as_postgres "${psql[@]}" -d postgres -c "ALTER DATABASE dp OWNER TO dp_owner" >/dev/null
    _as_postgres "${psql[@]}" -d dp -f - <"$DP_ROOT/deploy/roles/adopt.sql" >/dev/null
  else
    _as_postgres "$PGBIN/createdb" -h 127.0.0.1 -p "$port" -U postgres -O dp_owner dp
  fi
}

# dp_role_url PORT ROLE [HOST]: how ROLE reaches the database dp, over
# loopback TCP, or through the local socket in the folder HOST (as deployed
# services do: deploy/postgresql/pg_hba.conf).
dp_role_url() {
  case "${3:-127.0.0.1}" in
    /*) echo "postgresql:///dp?host=$3&port=$1&user=$2" ;;
    *) echo "postgresql://$2@${3:-127.0.0.1}:$1/dp" ;;
  esac
}

# dp_pg_stop DIR: fast shutdown, quiet if it is not running.
dp_pg_stop() {
  local dir="$1"
  [ -f "$dir/data/postmaster.pid" ] || return 0
  _as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

# dp_pg_dir_for NAME: a directory the postgres user can reach. The repo's
# own .local/ is used when postgres can traverse into it (not so in a
# mktemp'd clone), otherwise a folder under /var/tmp linked from .local/.
dp_pg_dir_for() {
  local name="$1"
  local want="$DP_LOCAL/$name"
  mkdir -p "$DP_LOCAL"
  if [ "$(id -u)" -ne 0 ] || runuser -u postgres -- test -x "$DP_LOCAL"; then
    echo "$want"; return 0
  fi
  local alt="/var/tmp/dp-$(echo "$DP_LOCAL" | sha256sum | cut -c1-12)-$name"
  mkdir -p "$alt"
  [ -L "$want" ] || { rm -rf "$want"; ln -s "$alt" "$want"; }
  echo "$alt"
}
