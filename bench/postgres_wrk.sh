#!/usr/bin/env bash
# The PostgreSQL store against RocksDB in one run: GET /contact and POST /callLog through
# crmhostd + the Redtail plugin against the fake Redtail, with (1) RocksDB, (2) PostgreSQL and one
# instance, (3) PostgreSQL and two instances sharing the database (a wrk per instance, the
# connections split between them; req/s summed). PostgreSQL is Debian's, started in a temp dir
# by tests/postgres/pg_server.sh (fsync off there: the figures are the store's round trips, not
# the disk's).
#   bench/postgres_wrk.sh [duration=10s] [connections=8]
# Prints one line per configuration and route: requests/s, mean and p99 latency, failures, the
# instances' RSS after the run, and the mean store query latency from /metrics.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10s}
conns=${2:-8}
build=${BUILD_DIR:-build}
[ -x "$build/bin/bench_fake_crm" ] || { echo "build first (scripts/build.sh)" >&2; exit 1; }
work=$(mktemp -d)
pids=()
cleanup() {
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  tests/postgres/pg_server.sh stop "$work/pg" || true
  rm -rf "$work"
}
trap cleanup EXIT

"$build/bin/bench_fake_crm" --crm redtail --delay-ms "${FAKE_DELAY_MS:-0}" > "$work/fake.out" &
pids+=($!)
for _ in $(seq 200); do grep -q port "$work/fake.out" 2>/dev/null && break; sleep 0.05; done
fake_port=$(awk '/port/ {print $2}' "$work/fake.out")
tests/postgres/pg_server.sh start "$work/pg"
openssl rand -hex 32 > "$work/master.key"

# start NAME ARGS...: a crmhostd with its own data dir; sets ${NAME}_port, ${NAME}_ops, ${NAME}_pid.
start() {
  local name=$1; shift
  "$build/bin/crmhostd" --listen 127.0.0.1:0 --ops-listen 127.0.0.1:0 --data-dir "$work/$name" \
    --secret-key-file "$work/master.key" --plugin-dir "$build/plugins-out" --config none \
    --plugin-setting redtail.api_key=rt-integration-key-5f1e2d3c --log-level warn \
    --outbound-override "https://smf.crm3.redtailtechnology.com/api/public/v1=http://127.0.0.1:$fake_port/api/public/v1" \
    "$@" > "$work/$name.log" 2>&1 &
  pids+=($!)
  printf -v "${name}_pid" '%s' $!
  for _ in $(seq 2000); do grep -q "listening on" "$work/$name.log" 2>/dev/null && break; sleep 0.005; done
  printf -v "${name}_port" '%s' "$(grep -o 'listening on http://[0-9.]*:[0-9]*' "$work/$name.log" | grep -o '[0-9]*$')"
  printf -v "${name}_ops" '%s' "$(grep -o 'ops API on http://[0-9.]*:[0-9]*' "$work/$name.log" | grep -o '[0-9]*$')"
}
login() {
  curl -s -X POST "http://127.0.0.1:$1/apiKeyLogin" -H 'Content-Type: application/json' \
    -d '{"platform":"redtail","apiKey":"apiKey","additionalInfo":{"username":"jdoe","password":"s3cret-pass-word"}}' |
    sed -n 's/.*"jwtToken":"\([^"]*\)".*/\1/p'
}
metric() { curl -s "http://127.0.0.1:$1/metrics" | awk -v m="$2" '$1 == m {print $2}'; }

# run LABEL ROUTE PORT...: a wrk per port, the connections split between them.
run() {
  local label=$1 route=$2; shift 2
  local n=$# each=$(( conns / $# )) i=0 rps=0 lines=""
  for p in "$@"; do
    i=$((i + 1))
    if [ "$route" = contact ]; then
      wrk -t1 -c"$each" -d"$duration" --latency \
        -H "Authorization: Bearer $jwt" \
        "http://127.0.0.1:$p/contact?phoneNumber=%2B14155555678" > "$work/wrk$i.out" &
    else
      CRMHOST_JWT=$jwt CRMHOST_RUN_TAG="$label$i" wrk -t1 -c"$each" -d"$duration" --latency \
        -s bench/calllog.lua "http://127.0.0.1:$p/callLog" > "$work/wrk$i.out" &
    fi
  done
  wait $(jobs -p | tail -n "$n")
  for j in $(seq "$n"); do
    rps=$(awk -v r="$rps" '/Requests\/sec/ {printf "%.0f", r + $2}' "$work/wrk$j.out")
    lines+=" [$(awk '$1 == "Latency" && $2 ~ /^[0-9]/ {printf "mean %s", $2} $1 == "99%" {printf ", p99 %s", $2} /Non-2xx|not logged/ {printf ", %s", $0}' "$work/wrk$j.out")]"
  done
  printf '%-28s %-8s %7s req/s%s\n' "$label" "$route" "$rps" "$lines"
}
rss() { for pid in "$@"; do printf '%s ' "$(awk '/VmRSS/ {print $2 "kB"}' "/proc/$pid/status")"; done; }
mean_query() {
  awk -v q="$(metric "$1" crmhost_store_queries_total)" -v s="$(metric "$1" crmhost_store_query_seconds_total)" \
    'BEGIN { if (q > 0) printf "%.2f ms over %d queries", 1000 * s / q, q }'
}

url=$(cat "$work/pg/url")
pg=(--store-url "${url%/*}/crmhost_bench" --store-password-file "$work/pg/password")
PGPASSWORD=$(cat "$work/pg/password") psql -q "$url" -c "CREATE DATABASE crmhost_bench" >/dev/null

start rocks
jwt=$(login "$rocks_port")
run "RocksDB, 1 instance" contact "$rocks_port"
run "RocksDB, 1 instance" callLog "$rocks_port"
echo "  RSS after: $(rss "$rocks_pid")"
kill "$rocks_pid"

start pga "${pg[@]}"
jwt=$(login "$pga_port")
run "PostgreSQL, 1 instance" contact "$pga_port"
run "PostgreSQL, 1 instance" callLog "$pga_port"
echo "  RSS after: $(rss "$pga_pid"); store: $(mean_query "$pga_ops")"

start pgb "${pg[@]}"
run "PostgreSQL, 2 instances" contact "$pga_port" "$pgb_port"
run "PostgreSQL, 2 instances" callLog "$pga_port" "$pgb_port"
echo "  RSS after: $(rss "$pga_pid" "$pgb_pid"); store (B): $(mean_query "$pgb_ops")"
